/* SPDX-License-Identifier: MIT */
/* The contract between compiled kernel modules (compiler/, builtins/) and the
 * CPU executor (devices/cpu/). A program is compiled to a shared object that
 * holds, per kernel K:
 *
 *   void __svmgpu_launch_wg_K(void *const *args, struct svmgpu_wg_ctx *ctx);
 *	runs every work-item of one work-group as a plain loop (kernels
 *	without barriers: the loop vectorises), or, for kernels with
 *	barriers, as one loop per region between barriers (the region form,
 *	with the work-items' frames in ctx->scratch);
 *   void __svmgpu_launch_wi_K(void *const *args, struct svmgpu_wg_ctx *ctx);
 *	runs one work-item, whose local id the executor has put in
 *	ctx->local_id (kernels with barriers that the region form does
 *	not take: one fiber per work-item);
 *
 * args[i] points at the value of argument i: for a pointer argument, at the
 * pointer; for a by-value argument, at its bytes; for a __local pointer
 * argument, at a pointer into this work-group's local memory.
 *
 * Work-item state lives in a thread-local structure of the module (the
 * launchers fill it from ctx), so a worker thread runs one work-group at a
 * time, and kernel-scope __local variables are thread-local too: private to
 * the work-group that the thread runs. (A module links against libm and libc
 * only: printf formats in the module itself.) */
#ifndef SVMGPU_KERNEL_ABI_H
#define SVMGPU_KERNEL_ABI_H

#include <stdint.h>

#define SVMGPU_KERNEL_ABI_VERSION 5

/* Launcher names: the prefix, then the kernel's name. (Distinct from the
 * built-in library's __svmgpu_wg_* helpers, so no kernel name collides.) */
#define SVMGPU_LAUNCH_WG_PREFIX "__svmgpu_launch_wg_"
#define SVMGPU_LAUNCH_WI_PREFIX "__svmgpu_launch_wi_"

struct svmgpu_wg_ctx {
	uint32_t work_dim;
	uint32_t reserved;
	uint64_t global_offset[3];
	uint64_t global_size[3];
	uint64_t enqueued_local_size[3]; /* as enqueued */
	uint64_t local_size[3];          /* this group's: smaller at a non-uniform edge */
	uint64_t num_groups[3];
	uint64_t group_id[3];
	uint64_t local_id[3];            /* fiber form: the work-item to run */
	/* Fiber form: called by barrier() and friends; returns when every
	 * work-item of the group has reached it. */
	void (*barrier)(struct svmgpu_wg_ctx *ctx, uint32_t flags);
	void *executor; /* the executor's own state */
	/* Where p points, for to_global/to_local/to_private and get_fence:
	 * the group's __local argument blocks (SVMGPU_ADDR_LOCAL), the running
	 * work-item's stack (SVMGPU_ADDR_PRIVATE), else SVMGPU_ADDR_GLOBAL.
	 * Kernel-scope __local variables are the module's to tell
	 * (SVMGPU_LOCAL_VAR_SYMBOL). */
	int (*classify)(struct svmgpu_wg_ctx *ctx, const void *p);
	/* Region form: a page-aligned buffer of at least size bytes, the
	 * calling thread's until its next call (the work-items' frames, which
	 * count as private memory); NULL when it cannot be had (the launcher
	 * then returns and the executor fails the command). */
	void *(*scratch)(struct svmgpu_wg_ctx *ctx, uint64_t size);
};

#define SVMGPU_ADDR_GLOBAL 0
#define SVMGPU_ADDR_LOCAL 1
#define SVMGPU_ADDR_PRIVATE 2

/* int __svmgpu_is_local_var(const void *p), defined in every module by the
 * compiler: whether p points into one of its kernel-scope __local variables
 * (thread-local copies: the running group's). */
#define SVMGPU_LOCAL_VAR_SYMBOL "__svmgpu_is_local_var"

typedef void (*svmgpu_launcher_fn)(void *const *args, struct svmgpu_wg_ctx *ctx);

/* The work-item state of the running work-item, thread-local in every
 * module (defined by builtins/workitem.c). Launchers set ctx and local_id;
 * the work-item functions read them; functions that synchronise a
 * work-group save and restore local_id around the switch to other fibers. */
/* The group's geometry, copied from the context by the launchers: the
 * work-item functions read it from here, thread-local memory whose address
 * never escapes the module, so the optimiser knows that kernel stores cannot
 * change it and keeps it in registers (a loop over work-items then
 * vectorises). Same order as in struct svmgpu_wg_ctx. */
struct svmgpu_wi_geometry {
	uint64_t work_dim;
	uint64_t global_offset[3];
	uint64_t global_size[3];
	uint64_t enqueued_local_size[3];
	uint64_t local_size[3];
	uint64_t num_groups[3];
	uint64_t group_id[3];
};

struct svmgpu_wi_state {
	uint64_t local_id[3];
	struct svmgpu_wg_ctx *ctx;
	struct svmgpu_wi_geometry g;
};

/* Every built-in that waits for the whole work-group (barrier, collectives,
 * wait_group_events) goes through this one function of the built-in
 * library. The compiler runs a kernel that can reach it in the fiber form. */
#define SVMGPU_WG_SYNC_SYMBOL "__svmgpu_wg_sync"
#define SVMGPU_WI_STATE_SYMBOL "__svmgpu_wi"

#endif
