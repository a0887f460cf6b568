// SPDX-License-Identifier: MIT
/* Fault containment for kernel code (see fault.h). */
#include "fault.h"
#include "fiber.h" /* SVMGPU_ASAN */

#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#ifdef SVMGPU_ASAN
#include <sanitizer/common_interface_defs.h>
#endif
#if defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#define SVMGPU_VALGRIND 1
#endif
#endif

#define ALT_STACK_SIZE (64u << 10)

/* The handler finds the running thread's guard here rather than in a
 * thread-local variable: in a library loaded with dlopen, a thread's first
 * access to one may allocate, which a signal handler must not do. */
#define MAX_THREADS 1024
static struct fault_slot {
	_Atomic uintptr_t owner; /* pthread_self(), 0 when free */
	struct svmgpu_fault_guard *_Atomic guard;
} slots[MAX_THREADS];
static atomic_uint slots_used; /* high-water mark */

static const int handled[] = { SIGSEGV, SIGBUS, SIGFPE };
#define NHANDLED (sizeof(handled) / sizeof(handled[0]))

static struct sigaction previous[NHANDLED];
static pthread_once_t install_once = PTHREAD_ONCE_INIT;
static pthread_key_t thread_key;
static int install_status = -1;
static size_t page_size;

/* What a thread set up, undone when it exits. */
struct fault_thread {
	int ready;        /* 1: set up (with an alternate stack, ours or not) */
	char *alt;        /* our alternate stack's mapping, or NULL */
	size_t alt_len;
	struct fault_slot *slot;
};
static __thread struct fault_thread thread_rec;

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

static struct svmgpu_fault_guard *current_guard(void)
{
	uintptr_t self = (uintptr_t)pthread_self();
	unsigned n = atomic_load(&slots_used);

	for (unsigned i = 0; i < n && i < MAX_THREADS; i++) {
		if (atomic_load_explicit(&slots[i].owner, memory_order_relaxed) == self)
			return atomic_load_explicit(&slots[i].guard, memory_order_relaxed);
	}
	return NULL;
}

static void on_fault(int sig, siginfo_t *si, void *ucv)
{
	struct svmgpu_fault_guard *g = current_guard();
	ucontext_t *uc = ucv;

	(void)uc;
	/* Only a fault of this thread's kernel code, not a signal sent to it. */
	if (!g || !g->armed || si->si_code <= 0) {
		chain(sig, si, ucv);
		return;
	}
	g->armed = 0;
	g->sig = sig;
	g->code = si->si_code;
	g->addr = si->si_addr;
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
	sigset_t set;

#ifdef SVMGPU_ASAN
	if (g->on_fiber)
		__sanitizer_finish_switch_fiber(NULL, NULL, NULL);
#endif
	g->on_fiber = 0;
	/* The handler ran with sig blocked in addition to the interrupted code's
	 * mask, which had it unblocked (a blocked fault kills the process). */
	sigemptyset(&set);
	sigaddset(&set, g->sig);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

static void thread_exit(void *arg)
{
	struct fault_thread *rec = arg;
	stack_t cur, off;

	if (rec->slot) {
		atomic_store(&rec->slot->guard, NULL);
		atomic_store(&rec->slot->owner, 0);
		rec->slot = NULL;
	}
	if (!rec->alt)
		return;
	/* Still ours: off first, the kernel must not deliver onto freed memory. */
	if (sigaltstack(NULL, &cur) == 0 && (char *)cur.ss_sp >= rec->alt &&
	    (char *)cur.ss_sp < rec->alt + rec->alt_len) {
		memset(&off, 0, sizeof(off));
		off.ss_flags = SS_DISABLE;
		sigaltstack(&off, NULL);
	}
	munmap(rec->alt, rec->alt_len);
	rec->alt = NULL;
}

static void install(void)
{
	struct sigaction sa;
	long page = sysconf(_SC_PAGESIZE);

	page_size = page > 0 ? (size_t)page : 4096;
	if (pthread_key_create(&thread_key, thread_exit))
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

/* A slot of the table for the calling thread, or NULL when it is full. */
static struct fault_slot *claim_slot(void)
{
	uintptr_t self = (uintptr_t)pthread_self();
	struct fault_slot *mine = NULL;

	/* A thread that exited without its destructor left its slot behind,
	 * under an id that can come back: drop it. */
	for (unsigned i = 0; i < atomic_load(&slots_used) && i < MAX_THREADS; i++) {
		/* Nobody else takes a slot that is not free: the guard first. */
		if (atomic_load(&slots[i].owner) == self) {
			atomic_store(&slots[i].guard, NULL);
			atomic_store(&slots[i].owner, 0);
		}
	}
	for (unsigned i = 0; i < MAX_THREADS && !mine; i++) {
		uintptr_t free_slot = 0;

		if (atomic_compare_exchange_strong(&slots[i].owner, &free_slot, self))
			mine = &slots[i];
	}
	if (mine) {
		unsigned used = atomic_load(&slots_used), want = (unsigned)(mine - slots) + 1;

		while (used < want && !atomic_compare_exchange_weak(&slots_used, &used, want))
			;
	}
	return mine;
}

void svmgpu_fault_set_guard(struct svmgpu_fault_guard *g)
{
	if (thread_rec.slot) {
		atomic_store_explicit(&thread_rec.slot->guard, g, memory_order_relaxed);
		atomic_signal_fence(memory_order_seq_cst);
	}
}

int svmgpu_fault_thread_setup(void)
{
	struct fault_thread *rec = &thread_rec;
	stack_t cur, ss;
	char *base;

	if (rec->ready)
		return rec->ready > 0 ? 0 : -1;
	pthread_once(&install_once, install);
	if (install_status || pthread_setspecific(thread_key, rec) || !(rec->slot = claim_slot())) {
		rec->ready = -1;
		return -1;
	}
	rec->ready = 1;
	/* An alternate stack someone else installed does as well as ours. */
	if (sigaltstack(NULL, &cur) == 0 && (cur.ss_flags & SS_DISABLE)) {
		/* A guard page below. Under valgrind, megabytes of nothing on both
		 * sides: its stack-switch heuristic misreads the jump back to a
		 * thread stack less than --max-stackframe away as frames. */
		size_t pad = page_size;
		size_t len;

#ifdef SVMGPU_VALGRIND
		if (RUNNING_ON_VALGRIND)
			pad = 4u << 20;
#endif
		len = 2 * pad + ALT_STACK_SIZE;
		base = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
			    -1, 0);
		/* Without one, faults are contained all the same, but for stack
		 * overflows. */
		if (base != MAP_FAILED) {
			memset(&ss, 0, sizeof(ss));
			ss.ss_sp = base + pad;
			ss.ss_size = ALT_STACK_SIZE;
			if (mprotect(ss.ss_sp, ALT_STACK_SIZE, PROT_READ | PROT_WRITE) == 0 &&
			    sigaltstack(&ss, NULL) == 0) {
				rec->alt = base;
				rec->alt_len = len;
#ifdef SVMGPU_VALGRIND
				/* Memcheck keeps the PROT_NONE mapping's state. */
				VALGRIND_MAKE_MEM_UNDEFINED(ss.ss_sp, ALT_STACK_SIZE);
#endif
			} else {
				munmap(base, len);
			}
		}
	}
	/* No VALGRIND_STACK_REGISTER of the thread's stack: valgrind registers
	 * every thread's stack itself when the thread starts. A second,
	 * overlapping registration has to be withdrawn at thread exit while the
	 * thread still runs on it, which leaves memcheck without a current
	 * stack: the thread's next change of the stack pointer by a non-constant
	 * amount (ld.so's lazy-binding trampoline: and/sub of %rsp) then reads as
	 * a switch to another stack, and the frame it makes stays unaddressable.
	 * Fibers and the alternate stack keep megabytes away from other stacks
	 * instead, so that valgrind takes a jump between them for a switch. */
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
