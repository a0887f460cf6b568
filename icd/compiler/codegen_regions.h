/* SPDX-License-Identifier: MIT */
/* Inside the code generator plugin: the state of one kernel's region form,
 * shared by its three steps: codegen_regions.c rewrites the kernel into the
 * region function, codegen_region_slots.c decides where the values that
 * cross blocks live, codegen_region_launch.c builds the launcher's loops. */
#ifndef SVMGPU_CODEGEN_REGIONS_H
#define SVMGPU_CODEGEN_REGIONS_H

#include "codegen_cfg.h"
#include "codegen_launch.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The state a work-item returns when it has finished the kernel. */
#define REGION_DONE 0xffffffffu

struct cut {
	LLVMValueRef call; /* the barrier */
	LLVMBasicBlockRef before, after;
};

/* An alloca of the kernel: a variable, or a value demoted to memory. */
struct slot {
	LLVMValueRef alloca; /* gone once R is built */
	LLVMTypeRef type;    /* what it holds */
	bool escapes; /* used other than by whole loads and stores */
	bool frame;   /* lives across a barrier: kept between regions */
	bool uniform; /* and holds the same value in every work-item: kept once */
	uint64_t offset; /* in the work-item's frame, or in the uniform block */
};

struct regions {
	struct launcher_env *e;
	LLVMValueRef fn;
	LLVMBasicBlockRef entry;
	struct cut *cuts;
	size_t ncuts;
	struct slot *slots;
	size_t nslots;
	uint64_t frame_size;   /* per work-item */
	uint64_t uniform_size; /* per group, twice: read one, write the other */
	unsigned nuniform;     /* uniform slots: R's parameters after the state */
	uint64_t frames_offset; /* in the scratch buffer, after the uniform blocks */
};

bool cg_is_lifetime(LLVMValueRef in);

/* codegen_region_slots.c: the kernel's slots (entry-block allocas), which of
 * them live across a barrier (slot.frame), and which of those hold the same
 * value in every work-item (slot.uniform). False when out of memory. */
bool cg_collect_slots(struct regions *r);
bool cg_find_frame_slots(struct regions *r);
bool cg_find_uniform_slots(struct regions *r);

/* codegen_region_launch.c: the launcher's body after its entry (argv: the
 * kernel's arguments), which runs R region by region. */
void cg_build_region_loops(struct regions *r, LLVMValueRef f, LLVMValueRef ctx, LLVMValueRef R,
			   LLVMValueRef *argv);

#endif
