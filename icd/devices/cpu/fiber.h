/* SPDX-License-Identifier: MIT */
/* Fibers: how the CPU executor runs a work-group of a kernel with barriers.
 *
 * Each work-item that reaches a barrier needs its own stack, so a thread runs
 * the group as fibers and switches between them at each barrier: a barrier
 * switches to the next live fiber in round-robin order, so when the last one
 * arrives the first resumes and every work-item has arrived. Work-items start
 * lazily, in order: a fiber whose work-item returns before any barrier takes
 * the next unstarted one itself, so a group whose work-items never wait costs
 * one fiber and two switches. A work-item that returns counts as arrived at
 * every later barrier.
 *
 * Context switches are a few instructions of x86-64 assembly (callee-saved
 * registers, MXCSR and the x87 control word, then the stack pointer); other
 * architectures, or -DSVMGPU_FIBER_UCONTEXT, use ucontext. Stacks are
 * SVMGPU_FIBER_STACK bytes (default 256 KiB) with a guard page below, mapped
 * on demand and kept per thread for later groups and launches. Their number
 * is bounded process-wide (each mprotect guard costs mappings out of
 * vm.max_map_count; MADV_GUARD_INSTALL guards, Linux 6.13+, do not): a
 * thread reserves what a launch's group size needs before it takes part. */
#ifndef SVMGPU_FIBER_H
#define SVMGPU_FIBER_H

#include "compiler/kernel_abi.h"
#include "fault.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__SANITIZE_ADDRESS__)
#define SVMGPU_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SVMGPU_ASAN 1
#endif
#endif

#if defined(__x86_64__) && !defined(SVMGPU_FIBER_UCONTEXT)
#define SVMGPU_FIBER_ASM 1
#else
#include <ucontext.h>
#endif

/* A saved execution context. */
struct svmgpu_fctx {
#ifdef SVMGPU_FIBER_ASM
	void *sp;
#else
	ucontext_t uc;
#endif
#ifdef SVMGPU_ASAN
	void *fake_stack;
	const void *stack_bottom;
	size_t stack_size;
#endif
};

struct svmgpu_fiber;

/* A thread's fibers, and the state of the group they run. */
struct svmgpu_fibers {
	struct svmgpu_fiber **fib; /* mapped fibers; the first `used` run this group */
	uint32_t count, cap, reserved, used;
	struct svmgpu_fiber_chunk *chunks; /* one mapping each */
	uint32_t nchunks, chunk_cap;
	bool dirty; /* a group was abandoned: its stacks hold stale sanitizer state */
	/* The group being run. */
	struct svmgpu_fctx main;
	struct svmgpu_fiber *cur;
	struct svmgpu_wg_ctx *ctx;
	svmgpu_launcher_fn wi;
	void *const *args;
	struct svmgpu_fault_guard *guard;
	uint32_t n, started, live;
	uint32_t lsize[2];
	bool failed;
};

/* Reserves stacks for groups of n work-items out of the process-wide budget:
 * false when it is spent, unless force (a caller that must run the launch
 * itself: then only mapping can fail). */
bool svmgpu_fibers_reserve(struct svmgpu_fibers *fs, uint32_t n, bool force);
/* Returns what was reserved but never mapped to the budget. */
void svmgpu_fibers_unreserve(struct svmgpu_fibers *fs);
/* Unmaps everything (the thread exits). */
void svmgpu_fibers_fini(struct svmgpu_fibers *fs);

/* Runs one work-group of the fiber form: ctx is filled but for local_id,
 * barrier and executor. 0, or -1 when a fiber stack could not be mapped (the
 * group was abandoned). The guard is armed while work-items run; after a
 * fault jumped out of it, call svmgpu_fibers_abandoned. */
int svmgpu_fibers_run_group(struct svmgpu_fibers *fs, svmgpu_launcher_fn wi, void *const *args,
			    struct svmgpu_wg_ctx *ctx, struct svmgpu_fault_guard *guard);
/* After a fault at addr: which work-item ran (its local id), and whether addr
 * is its stack's guard page (a stack overflow). The group's fibers are reset
 * before their next use. */
bool svmgpu_fibers_abandoned(struct svmgpu_fibers *fs, const void *addr, uint64_t local_id[3]);

/* Whether p is on the stack of the work-item running now (false when no
 * fiber runs: a group of one work-item runs on the thread's own stack). */
bool svmgpu_fibers_on_stack(const struct svmgpu_fibers *fs, const void *p);

/* The fiber stack size in bytes (SVMGPU_FIBER_STACK, default 256 KiB). */
size_t svmgpu_fiber_stack_size(void);

#endif
