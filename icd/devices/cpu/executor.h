/* SPDX-License-Identifier: MIT */
/* The CPU device's work-group executor: runs an NDRange of a compiled kernel
 * (compiler/kernel_abi.h) over a thread pool.
 *
 * - The pool has a thread per online CPU but one (the calling thread always
 *   takes part), is started on the first launch that needs it and is shared
 *   by every launch: launches from several threads at once split the pool
 *   between them. Work-groups are handed out dynamically, in chunks. An
 *   NDRange of one work-group, or of a handful of work-items, runs on the
 *   calling thread alone, without waking anyone.
 * - A thread runs one work-group at a time. A launcher in the loop form runs
 *   the whole group in one call; in the fiber form the group's work-items are
 *   fibers on the thread (fiber.h): ctx->barrier switches between them.
 * - Each argument with local_arg_sizes[i] > 0 gets, per running work-group, a
 *   block of that many bytes (128-byte aligned, uninitialised): the launcher
 *   sees args[i] pointing at a pointer to the block.
 * - Non-uniform work-groups: the last group of a dimension may be smaller;
 *   ctx->local_size is its size, ctx->enqueued_local_size the enqueued one.
 * - A SIGSEGV, SIGBUS or SIGFPE raised by kernel code ends the launch (groups
 *   not started yet do not run) with CL_OUT_OF_RESOURCES and a message; the
 *   process and later launches go on (fault.h).
 *
 * Thread-safe: launches may run concurrently from any threads. A kernel must
 * not launch another kernel. */
#ifndef SVMGPU_EXECUTOR_H
#define SVMGPU_EXECUTOR_H

#include "cl_base.h"
#include "compiler/kernel_abi.h"

#include <stddef.h>
#include <stdint.h>

/* The largest work-group the executor runs (fiber form: one fiber each). */
#define SVMGPU_CPU_MAX_WG_SIZE 4096

struct svmgpu_launch {
	svmgpu_launcher_fn wg;   /* loop form (one call runs a whole work-group), or NULL */
	svmgpu_launcher_fn wi;   /* fiber form (one call runs one work-item), or NULL;
				  * exactly one is set */
	void *const *args;       /* args[i] points at the value of argument i */
	uint32_t num_args;
	/* Per argument: bytes of __local memory to allocate for each group, 0
	 * when the argument is not a __local pointer (NULL when none is). */
	const uint32_t *local_arg_sizes;
	uint32_t work_dim;       /* 1..3 */
	/* Dimensions from work_dim up are taken as offset 0, sizes 1. */
	uint64_t global_offset[3], global_size[3], local_size[3];
};

/* Runs every work-group of the NDRange and returns when all have finished.
 * CL_SUCCESS (a global size of 0 runs nothing); CL_OUT_OF_HOST_MEMORY (nothing
 * ran); CL_OUT_OF_RESOURCES when a work-item faulted ("kernel fault: invalid
 * write at 0x10 in work-group (3,0,0)", with the work-item in the fiber form)
 * or fiber stacks could not be mapped; CL_INVALID_VALUE for a malformed
 * launch (a local size of 0, a fiber-form group over SVMGPU_CPU_MAX_WG_SIZE).
 * msg (may be NULL) receives the reason of a failure, "" on success. */
cl_int svmgpu_cpu_execute(const struct svmgpu_launch *l, char *msg, size_t msg_size);

/* A local size for a NULL local_work_size: divides global_size in each
 * dimension (uniform groups), at most max_wg_size work-items, as much of it as
 * possible in dimension 0 (the loop that vectorises), large enough to make the
 * per-group cost negligible, small enough to give every pool thread several
 * groups (fibers: groups of at most 256, each work-item a stack). Dimensions
 * from work_dim up get 1. */
void svmgpu_cpu_pick_local_size(uint32_t work_dim, const uint64_t global_size[3],
				uint64_t max_wg_size, bool fibers, uint64_t local_size[3]);

/* The number of threads that run work-groups (the pool and the caller). */
unsigned svmgpu_cpu_thread_count(void);

#endif
