/* SPDX-License-Identifier: MIT */
/* Inside the code generator plugin: the launchers of the host target
 * (kernel_abi.h), which the executor calls once per work-group
 * (codegen_launch.c), and the region form of kernels with barriers
 * (codegen_regions.c). */
#ifndef SVMGPU_CODEGEN_LAUNCH_H
#define SVMGPU_CODEGEN_LAUNCH_H

#include "codegen_llvm.h"
#include "kernel_abi.h"

#include <stddef.h>
#include <stdint.h>

struct launcher_env {
	LLVMContextRef ctx;
	LLVMModuleRef m;
	LLVMBuilderRef b;
	LLVMTargetDataRef td;
	LLVMTypeRef i8, i32, i64, ptr, voidt;
	LLVMValueRef wi;          /* the thread-local work-item state */
	LLVMValueRef tls_address; /* llvm.threadlocal.address.p0 */
	LLVMTypeRef tls_address_type;
	LLVMValueRef sync;        /* SVMGPU_WG_SYNC_SYMBOL, or NULL */
	const char *host_cpu, *host_features;
};

/* A loop over the work-items of a group: for (z) for (y) for (x). */
struct item_loop {
	LLVMValueRef f;
	LLVMValueRef n[3];  /* the group's local size, each at least 1 */
	LLVMValueRef iv[3]; /* the work-item's local id */
	LLVMBasicBlockRef head[3], latch[3], exit;
	/* The work-items of a group run in parallel (between barriers, one
	 * work-item's memory accesses cannot depend on another's without a
	 * data race, undefined in OpenCL): the innermost loop is marked
	 * llvm.loop.parallel_accesses for this access group, so that the
	 * vectoriser need not prove the accesses independent. NULL when the
	 * metadata could not be made. */
	LLVMValueRef access_group, loop_id;
};

/* base + offset bytes. */
LLVMValueRef cg_byte_gep(struct launcher_env *e, LLVMValueRef base, size_t offset);
LLVMValueRef cg_load_i64(struct launcher_env *e, LLVMValueRef base, size_t offset);
/* The work-item state's address: the global, or the thread-local address of
 * it that clang's code takes. */
bool cg_is_wi_state(struct launcher_env *e, LLVMValueRef p);
/* Whether p points into the work-item state (kernel_abi.h); *offset: where,
 * or -1 when not a constant. */
bool cg_in_wi_state(struct launcher_env *e, LLVMValueRef p, long *offset);
/* Compiles f for the host CPU (its features, 256-bit vectors preferred). */
void cg_set_host_attributes(struct launcher_env *e, LLVMValueRef f);
/* Whether fn, or a defined function it calls (each looked at once), has an
 * instruction that hit() accepts. */
bool cg_reaches(struct launcher_env *e, LLVMValueRef fn,
		bool (*hit)(struct launcher_env *e, LLVMValueRef in));
/* Does fn reach the work-group synchronisation (e->sync)? */
bool cg_reaches_sync(struct launcher_env *e, LLVMValueRef fn);
/* A new launcher prefix+kernel name(args, ctx), its entry filling the
 * work-item state from ctx; the builder is left in the entry. */
LLVMValueRef cg_new_launcher(struct launcher_env *e, LLVMValueRef kernel, const char *prefix,
			     LLVMValueRef *args, LLVMValueRef *ctx);
/* The kernel's arguments loaded from args[] (a byval one: its address);
 * malloc'd, NULL when out of memory. */
LLVMValueRef *cg_load_args(struct launcher_env *e, LLVMValueRef kernel, LLVMValueRef args);
/* Opens the loop nest from the current block, over ctx's local size, with
 * the work-item state's local id set; the builder is left in its body. */
void cg_begin_item_loop(struct launcher_env *e, LLVMValueRef f, LLVMValueRef ctx,
			struct item_loop *lp);
/* Closes it from the current block; the builder is left after the loop. */
void cg_end_item_loop(struct launcher_env *e, struct item_loop *lp);
/* Puts a memory access or call of the loop's body in its access group
 * (calls pass it on to what the inliner puts in their place). */
void cg_parallel_access(struct launcher_env *e, const struct item_loop *lp, LLVMValueRef in);

/* codegen_coarsen.c: a copy of the loop-form kernel that runs *factor
 * consecutive work-items in x in lockstep (what is the same for all of them
 * computed once), or NULL when the kernel has no loop of its own or a branch
 * that depends on the local id in x (or anything else lockstep copies cannot
 * express: *why says what, NULL when the kernel has no loop). Run
 * cg_prepare_coarsening first. */
LLVMValueRef cg_coarsen_kernel(struct launcher_env *e, LLVMValueRef kernel, unsigned *factor,
			       const char **why);
/* Inlines what reads the work-item state and promotes the variables of the
 * kernels to registers, when any of them has a loop. */
bool cg_prepare_coarsening(struct launcher_env *e, LLVMTargetMachineRef tm,
			   const LLVMValueRef *kernels, size_t n, char **log);
/* The loop form: every work-item of the group in turn (kernels without
 * barriers); with coarse (from cg_coarsen_kernel, else NULL), coarse for each
 * full step of factor work-items of a row and kernel for the rest. *lp: its
 * loop, for cg_combine_atomics (which gets the plain ones only). */
bool cg_build_loop_launcher(struct launcher_env *e, LLVMValueRef kernel, LLVMValueRef coarse,
			    unsigned factor, struct item_loop *lp);
/* codegen_atomics.c: in the loop launchers' loops (loops[i] calls
 * kernels[i]), atomics on an address the same for the whole group whose old
 * value is unused become one atomic per group, where no work-item could tell
 * (SVMGPU_DEBUG says how many per kernel). Inlines the kernels that perform
 * atomics into their launchers first. False (and a log line) on failure. */
bool cg_combine_atomics(struct launcher_env *e, LLVMTargetMachineRef tm,
			const struct item_loop *loops, const LLVMValueRef *kernels, size_t n,
			char **log);
/* The fiber form: one work-item. */
bool cg_build_fiber_launcher(struct launcher_env *e, LLVMValueRef kernel);
/* Before the region form: everything that reaches a barrier is inlined into
 * its callers (then scalars of their frames are registers again). */
bool cg_inline_sync_paths(struct launcher_env *e, LLVMTargetMachineRef tm, char **log);
/* The region form (codegen_regions.c): the kernel is cut at its barriers
 * into regions that each run as a loop over the group's work-items, with
 * what lives across a barrier in per-work-item frames. On success the kernel
 * function is gone (only its launcher remains); false when the kernel does
 * not fit the form (then it is unchanged in meaning, for the fiber form). */
struct region_info {
	unsigned barriers;   /* the barriers that cut the kernel */
	uint64_t frame_size; /* bytes per work-item that live across them */
	uint64_t uniform_size; /* bytes per group that do, the same in every work-item */
};
bool cg_build_region_launcher(struct launcher_env *e, LLVMValueRef kernel,
			      struct region_info *info);

#endif
