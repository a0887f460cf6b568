/* SPDX-License-Identifier: MIT */
/* Fault containment for kernel code on the CPU device.
 *
 * A kernel's invalid access raises SIGSEGV or SIGBUS (an integer division by
 * zero SIGFPE) on the thread that runs it. While a thread runs kernel code it
 * has an armed guard: the handler (on an alternate signal stack, so that a
 * fiber stack overflow is caught too) records what happened and jumps back to
 * the guard's sigsetjmp point in the executor, which abandons the work-group.
 * A signal raised anywhere else, or sent with kill(), goes to the handler
 * that was installed before ours, or gets the default action.
 *
 * Use:
 *	struct svmgpu_fault_guard g = {0};
 *	svmgpu_fault_thread_setup();
 *	if (sigsetjmp(g.jb, 0)) {	// no mask save: no system call here
 *		svmgpu_fault_recovered(&g);
 *		svmgpu_fault_set_guard(NULL);
 *		... report g ...
 *	}
 *	svmgpu_fault_set_guard(&g);
 *	g.armed = 1; kernel(); g.armed = 0;
 *	svmgpu_fault_set_guard(NULL);
 */
#ifndef SVMGPU_FAULT_H
#define SVMGPU_FAULT_H

#include <setjmp.h>
#include <signal.h>
#include <stddef.h>

enum svmgpu_access {
	SVMGPU_ACCESS_UNKNOWN,
	SVMGPU_ACCESS_READ,
	SVMGPU_ACCESS_WRITE,
	SVMGPU_ACCESS_EXEC,
};

struct svmgpu_fault_guard {
	sigjmp_buf jb;
	volatile sig_atomic_t armed;
	/* What the handler saw (valid once sigsetjmp returned non-zero). */
	int sig, code;
	enum svmgpu_access access;
	void *addr;
	/* The stack sigsetjmp runs on, for sanitizers when the fault hits a
	 * fiber (on_fiber set while fibers run; bounds as ASan reported them). */
	volatile int on_fiber;
	const void *volatile stack_bottom;
	volatile size_t stack_size;
};

/* Installs the process-wide handlers (once), registers the calling thread
 * (at most 1024 at a time) and gives it an alternate signal stack when it has
 * none. 0, or -1 when that failed (then its faults are not contained, the
 * work still runs). Cheap after the first call. */
int svmgpu_fault_thread_setup(void);

/* The guard of the calling thread's kernel code from now on (NULL: none). */
void svmgpu_fault_set_guard(struct svmgpu_fault_guard *g);

/* To call first after sigsetjmp returned non-zero: restores the signal mask
 * and tells the sanitizers which stack runs now. */
void svmgpu_fault_recovered(struct svmgpu_fault_guard *g);

/* "invalid write at 0x10", "bus error (access) at 0x...", "integer division
 * by zero": what the guard's fault was, without context. */
void svmgpu_fault_describe(const struct svmgpu_fault_guard *g, char *buf, size_t size);

#endif
