// SPDX-License-Identifier: MIT
// Work-item functions, barriers and fences of the built-in library, in C
// against the kernel ABI (compiler/kernel_abi.h). Compiled to bitcode like
// the OpenCL C parts; each function carries the mangled name that clang
// gives the OpenCL C built-in (asm labels).
//
// The executor fills the dimensions past work_dim with size 1, id 0 and
// offset 0, so the functions below only guard the index against 3.
#include <stddef.h>
#include <stdint.h>

#include "kernel_abi.h"

#define AS_GLOBAL __attribute__((address_space(1)))
#define AS_LOCAL __attribute__((address_space(3)))
#define AS_GENERIC __attribute__((address_space(4)))

// OpenCL's fence flags and memory orders and scopes (opencl-c-base.h).
#define CLK_LOCAL_MEM_FENCE 0x01
#define CLK_GLOBAL_MEM_FENCE 0x02
#define ORDER_RELAXED 0
#define ORDER_SEQ_CST 5
#define SCOPE_WORK_ITEM 0

// Work-item functions read the state directly; they are tiny and always
// inlined, which also hides the thread-local access from callers that
// assume them free of side effects (clang declares them readnone).
#define WI_FN __attribute__((always_inline, nothrow))

_Thread_local struct svmgpu_wi_state __svmgpu_wi;

// The collectives' scratch memory: private to the work-group the thread
// runs, as every work-item of a group runs on the same thread.
#define SVMGPU_WG_SCRATCH 2048
static _Thread_local uint64_t wg_scratch[SVMGPU_WG_SCRATCH];

uint32_t wi_work_dim(void) __asm__("_Z12get_work_dimv");
size_t wi_global_size(uint32_t d) __asm__("_Z15get_global_sizej");
size_t wi_global_id(uint32_t d) __asm__("_Z13get_global_idj");
size_t wi_local_size(uint32_t d) __asm__("_Z14get_local_sizej");
size_t wi_enqueued_local_size(uint32_t d) __asm__("_Z23get_enqueued_local_sizej");
size_t wi_local_id(uint32_t d) __asm__("_Z12get_local_idj");
size_t wi_num_groups(uint32_t d) __asm__("_Z14get_num_groupsj");
size_t wi_group_id(uint32_t d) __asm__("_Z12get_group_idj");
size_t wi_global_offset(uint32_t d) __asm__("_Z17get_global_offsetj");
size_t wi_global_linear_id(void) __asm__("_Z20get_global_linear_idv");
size_t wi_local_linear_id(void) __asm__("_Z19get_local_linear_idv");

WI_FN uint32_t wi_work_dim(void)
{
	return __svmgpu_wi.g.work_dim;
}

WI_FN size_t wi_global_size(uint32_t d)
{
	return d < 3 ? __svmgpu_wi.g.global_size[d] : 1;
}

WI_FN size_t wi_global_id(uint32_t d)
{
	const struct svmgpu_wi_geometry *c = &__svmgpu_wi.g;

	if (d >= 3)
		return 0;
	return c->group_id[d] * c->enqueued_local_size[d] + __svmgpu_wi.local_id[d] +
	       c->global_offset[d];
}

WI_FN size_t wi_local_size(uint32_t d)
{
	return d < 3 ? __svmgpu_wi.g.local_size[d] : 1;
}

WI_FN size_t wi_enqueued_local_size(uint32_t d)
{
	return d < 3 ? __svmgpu_wi.g.enqueued_local_size[d] : 1;
}

WI_FN size_t wi_local_id(uint32_t d)
{
	return d < 3 ? __svmgpu_wi.local_id[d] : 0;
}

WI_FN size_t wi_num_groups(uint32_t d)
{
	return d < 3 ? __svmgpu_wi.g.num_groups[d] : 1;
}

WI_FN size_t wi_group_id(uint32_t d)
{
	return d < 3 ? __svmgpu_wi.g.group_id[d] : 0;
}

WI_FN size_t wi_global_offset(uint32_t d)
{
	return d < 3 ? __svmgpu_wi.g.global_offset[d] : 0;
}

WI_FN size_t wi_global_linear_id(void)
{
	const struct svmgpu_wi_geometry *c = &__svmgpu_wi.g;
	size_t id[3];

	// (global id - offset) per dimension, then row-major from dimension 2.
	for (int d = 0; d < 3; d++)
		id[d] = c->group_id[d] * c->enqueued_local_size[d] + __svmgpu_wi.local_id[d];
	return (id[2] * c->global_size[1] + id[1]) * c->global_size[0] + id[0];
}

WI_FN size_t wi_local_linear_id(void)
{
	const struct svmgpu_wi_geometry *c = &__svmgpu_wi.g;
	const uint64_t *l = __svmgpu_wi.local_id;

	return (l[2] * c->local_size[1] + l[1]) * c->local_size[0] + l[0];
}

// The one place where a work-item waits for its work-group: the executor's
// barrier switches to the other work-items (fibers) of the group, which
// overwrite the shared state; put this work-item's back afterwards.
__attribute__((noinline, convergent)) void __svmgpu_wg_sync(uint32_t flags)
{
	struct svmgpu_wg_ctx *ctx = __svmgpu_wi.ctx;
	uint64_t l0 = __svmgpu_wi.local_id[0];
	uint64_t l1 = __svmgpu_wi.local_id[1];
	uint64_t l2 = __svmgpu_wi.local_id[2];

	ctx->barrier(ctx, flags);
	__svmgpu_wi.ctx = ctx;
	__svmgpu_wi.local_id[0] = l0;
	__svmgpu_wi.local_id[1] = l1;
	__svmgpu_wi.local_id[2] = l2;
}

uint64_t *__svmgpu_wg_scratch(void)
{
	return wg_scratch;
}

void wi_barrier(uint32_t flags) __asm__("_Z7barrierj");
void wi_wg_barrier(uint32_t flags) __asm__("_Z18work_group_barrierj");
void wi_wg_barrier_scope(uint32_t flags, int scope)
	__asm__("_Z18work_group_barrierj12memory_scope");
void wi_mem_fence(uint32_t flags) __asm__("_Z9mem_fencej");
void wi_read_mem_fence(uint32_t flags) __asm__("_Z14read_mem_fencej");
void wi_write_mem_fence(uint32_t flags) __asm__("_Z15write_mem_fencej");
void wi_atomic_fence(uint32_t flags, int order, int scope)
	__asm__("_Z22atomic_work_item_fencej12memory_order12memory_scope");

__attribute__((convergent)) void wi_barrier(uint32_t flags)
{
	__svmgpu_wg_sync(flags);
}

__attribute__((convergent)) void wi_wg_barrier(uint32_t flags)
{
	__svmgpu_wg_sync(flags);
}

__attribute__((convergent)) void wi_wg_barrier_scope(uint32_t flags, int scope)
{
	(void)scope;
	__svmgpu_wg_sync(flags);
}

// x86 keeps loads and stores in order but for store-load pairs, and the
// work-items of a group run on one thread: a fence only has to stop the
// compiler (acquire-release), except where sequential consistency is asked.
void wi_mem_fence(uint32_t flags)
{
	(void)flags;
	__atomic_thread_fence(__ATOMIC_ACQ_REL);
}

void wi_read_mem_fence(uint32_t flags)
{
	(void)flags;
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
}

void wi_write_mem_fence(uint32_t flags)
{
	(void)flags;
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

void wi_atomic_fence(uint32_t flags, int order, int scope)
{
	(void)flags;
	if (order == ORDER_RELAXED)
		return;
	if (scope == SCOPE_WORK_ITEM)
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
	else if (order == ORDER_SEQ_CST)
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
	else
		__atomic_thread_fence(__ATOMIC_ACQ_REL);
}

// Generic address space queries: the executor knows the group's __local
// argument blocks and the work-item's stack, the module its kernel-scope
// __local variables (defined by the compiler, kernel_abi.h).
// A default that knows no variables, for code that does not come through the
// compiler (the built-in library's own tests); the compiler replaces it.
__attribute__((weak)) int __svmgpu_is_local_var(const void *p)
{
	(void)p;
	return 0;
}

static int addr_kind(const AS_GENERIC void *p)
{
	const void *q = (const void *)p;
	struct svmgpu_wg_ctx *ctx = __svmgpu_wi.ctx;

	if (__svmgpu_is_local_var(q))
		return SVMGPU_ADDR_LOCAL;
	return ctx && ctx->classify ? ctx->classify(ctx, q) : SVMGPU_ADDR_GLOBAL;
}

uint32_t wi_get_fence(AS_GENERIC void *p) __asm__("_Z9get_fencePU9CLgenericv");
uint32_t wi_get_fence_c(const AS_GENERIC void *p) __asm__("_Z9get_fencePU9CLgenericKv");

static uint32_t fence_of(const AS_GENERIC void *p)
{
	switch (addr_kind(p)) {
	case SVMGPU_ADDR_LOCAL:
		return CLK_LOCAL_MEM_FENCE;
	case SVMGPU_ADDR_GLOBAL:
		return CLK_GLOBAL_MEM_FENCE;
	default:
		return 0;
	}
}

uint32_t wi_get_fence(AS_GENERIC void *p)
{
	return fence_of(p);
}

uint32_t wi_get_fence_c(const AS_GENERIC void *p)
{
	return fence_of(p);
}

AS_GLOBAL void *__to_global(AS_GENERIC void *p)
{
	return addr_kind(p) == SVMGPU_ADDR_GLOBAL ? (AS_GLOBAL void *)p : (AS_GLOBAL void *)0;
}

AS_LOCAL void *__to_local(AS_GENERIC void *p)
{
	return addr_kind(p) == SVMGPU_ADDR_LOCAL ? (AS_LOCAL void *)p : (AS_LOCAL void *)0;
}

void *__to_private(AS_GENERIC void *p)
{
	return addr_kind(p) == SVMGPU_ADDR_PRIVATE ? (void *)p : (void *)0;
}
