// SPDX-License-Identifier: MIT
/* Fault containment for kernel code (see fault.h). */
#include "fault.h"
#include "fiber.h" /* SVMGPU_ASAN */

#include <inttypes.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#ifdef SVMGPU_ASAN
#include <sanitizer/common_interface_defs.h>
#endif

#define ALT_STACK_SIZE (64u << 10)

__thread struct svmgpu_fault_guard *svmgpu_fault_current
	__attribute__((tls_model("initial-exec")));

static const int handled[] = { SIGSEGV, SIGBUS, SIGFPE };
#define NHANDLED (sizeof(handled) / sizeof(handled[0]))

static struct sigaction previous[NHANDLED];
static pthread_once_t install_once = PTHREAD_ONCE_INIT;
static pthread_key_t altstack_key;
static int install_status = -1;
static size_t page_size;

/* 1: this thread is set up (with an alternate stack, ours or not). */
static __thread int thread_ready;

/* A signal that is not a kernel's: what would have happened without us. */
static void chain(int sig, siginfo_t *si, void *uc)
{
	const struct sigaction *old = NULL;
	struct sigaction dfl;

	for (size_t i = 0; i < NHANDLED; i++) {
		if (handled[i] == sig)
			old = &previous[i];
	}
	if (old && (old->sa_flags & SA_SIGINFO)) {
		if (old->sa_sigaction) {
			old->sa_sigaction(sig, si, uc);
			return;
		}
	} else if (old && old->sa_handler == SIG_IGN) {
		if (si->si_code <= 0)
			return; /* sent, and ignored as asked */
	} else if (old && old->sa_handler != SIG_DFL) {
		old->sa_handler(sig);
		return;
	}
	/* The default action: a fault happens again once we return; a sent
	 * signal is sent again (it stays pending until we return). */
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigaction(sig, &dfl, NULL);
	if (si->si_code <= 0)
		raise(sig);
}

static void on_fault(int sig, siginfo_t *si, void *ucv)
{
	struct svmgpu_fault_guard *g = svmgpu_fault_current;
	ucontext_t *uc = ucv;

	/* Only a fault of this thread's kernel code, not a signal sent to it. */
	if (!g || !g->armed || si->si_code <= 0) {
		chain(sig, si, ucv);
		return;
	}
	g->armed = 0;
	g->sig = sig;
	g->code = si->si_code;
	g->addr = si->si_addr;
	g->mask = uc->uc_sigmask;
	g->access = SVMGPU_ACCESS_UNKNOWN;
#if defined(__x86_64__) && defined(REG_ERR)
	/* A page fault's error code: bit 1 write, bit 4 instruction fetch.
	 * Other traps (13: general protection) carry no address. */
	if (sig == SIGSEGV) {
		greg_t trap = uc->uc_mcontext.gregs[REG_TRAPNO];
		greg_t err = uc->uc_mcontext.gregs[REG_ERR];

		if (trap == 14)
			g->access = (err & 16) ? SVMGPU_ACCESS_EXEC
				  : (err & 2)  ? SVMGPU_ACCESS_WRITE
					       : SVMGPU_ACCESS_READ;
		else if (trap == 13)
			g->code = -13; /* see svmgpu_fault_describe */
	}
#endif
#ifdef SVMGPU_ASAN
	/* Back to the thread's own stack: tell ASan before the jump. */
	if (g->on_fiber && g->stack_bottom)
		__sanitizer_start_switch_fiber(NULL, g->stack_bottom, g->stack_size);
	else
		g->on_fiber = 0;
#endif
	siglongjmp(g->jb, 1);
}

void svmgpu_fault_recovered(struct svmgpu_fault_guard *g)
{
#ifdef SVMGPU_ASAN
	if (g->on_fiber)
		__sanitizer_finish_switch_fiber(NULL, NULL, NULL);
#endif
	g->on_fiber = 0;
	pthread_sigmask(SIG_SETMASK, &g->mask, NULL);
}

static void altstack_free(void *base)
{
	stack_t cur, off;

	/* Still ours: off first, the kernel must not deliver onto freed memory. */
	if (sigaltstack(NULL, &cur) == 0 && cur.ss_sp == (char *)base + page_size) {
		memset(&off, 0, sizeof(off));
		off.ss_flags = SS_DISABLE;
		sigaltstack(&off, NULL);
	}
	munmap(base, ALT_STACK_SIZE + page_size);
}

static void install(void)
{
	struct sigaction sa;
	long page = sysconf(_SC_PAGESIZE);

	page_size = page > 0 ? (size_t)page : 4096;
	if (pthread_key_create(&altstack_key, altstack_free))
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < NHANDLED; i++) {
		if (sigaction(handled[i], &sa, &previous[i]))
			return;
	}
	install_status = 0;
}

int svmgpu_fault_thread_setup(void)
{
	stack_t cur, ss;
	char *base;

	if (thread_ready)
		return thread_ready > 0 ? 0 : -1;
	pthread_once(&install_once, install);
	if (install_status) {
		thread_ready = -1;
		return -1;
	}
	thread_ready = 1;
	/* An alternate stack someone else installed does as well as ours. */
	if (sigaltstack(NULL, &cur) || !(cur.ss_flags & SS_DISABLE))
		return 0;
	base = mmap(NULL, ALT_STACK_SIZE + page_size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (base == MAP_FAILED)
		return 0; /* contained all the same, but for stack overflows */
	mprotect(base, page_size, PROT_NONE);
	memset(&ss, 0, sizeof(ss));
	ss.ss_sp = base + page_size;
	ss.ss_size = ALT_STACK_SIZE;
	if (sigaltstack(&ss, NULL) || pthread_setspecific(altstack_key, base)) {
		memset(&ss, 0, sizeof(ss));
		ss.ss_flags = SS_DISABLE;
		sigaltstack(&ss, NULL);
		munmap(base, ALT_STACK_SIZE + page_size);
	}
	return 0;
}

void svmgpu_fault_describe(const struct svmgpu_fault_guard *g, char *buf, size_t size)
{
	static const char *const access[] = {
		[SVMGPU_ACCESS_UNKNOWN] = "access", [SVMGPU_ACCESS_READ] = "read",
		[SVMGPU_ACCESS_WRITE] = "write", [SVMGPU_ACCESS_EXEC] = "instruction fetch",
	};
	uintptr_t addr = (uintptr_t)g->addr;

	switch (g->sig) {
	case SIGFPE:
		snprintf(buf, size, "arithmetic exception (%s)",
			 g->code == FPE_INTDIV ? "integer division by zero"
			 : g->code == FPE_INTOVF ? "integer overflow"
						 : "floating point");
		break;
	case SIGBUS:
		snprintf(buf, size, "bus error (%s) at 0x%" PRIxPTR,
			 g->code == BUS_ADRALN ? "misaligned address"
			 : g->code == BUS_ADRERR ? "no such physical address"
						 : "hardware error",
			 addr);
		break;
	default:
		if (g->code == -13)
			snprintf(buf, size, "invalid access (general protection fault: "
				 "non-canonical address)");
		else
			snprintf(buf, size, "invalid %s at 0x%" PRIxPTR "%s", access[g->access],
				 addr, g->code == SEGV_ACCERR ? " (protected page)" : "");
		break;
	}
}
