/* SPDX-License-Identifier: MIT */
/* The common head of every OpenCL object: the loader's dispatch pointer first
 * (the ICD contract), then a type tag that lets every entry point reject a
 * wrong or stale handle with the specification's error code, then the
 * reference count. */
#ifndef SVMGPU_OBJECT_H
#define SVMGPU_OBJECT_H

#include "cl_base.h"
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum svmgpu_magic {
	SVMGPU_MAGIC_PLATFORM = 0x53504c54, /* "SPLT" */
	SVMGPU_MAGIC_DEVICE = 0x53444556,
	SVMGPU_MAGIC_CONTEXT = 0x53435458,
	SVMGPU_MAGIC_QUEUE = 0x53515545,
	SVMGPU_MAGIC_EVENT = 0x53455654,
	SVMGPU_MAGIC_MEM = 0x534d454d,
	SVMGPU_MAGIC_PROGRAM = 0x53505247,
	SVMGPU_MAGIC_KERNEL = 0x534b524e,
	SVMGPU_MAGIC_SAMPLER = 0x53534d50,
	SVMGPU_MAGIC_DEAD = 0x44454144, /* written on free: catches use after release */
};

struct svmgpu_object {
	const cl_icd_dispatch *dispatch; /* must stay first */
	uint32_t magic;
	atomic_uint refcount;
};

extern const cl_icd_dispatch svmgpu_dispatch;

static inline void svmgpu_object_init(struct svmgpu_object *o, enum svmgpu_magic m)
{
	o->dispatch = &svmgpu_dispatch;
	o->magic = m;
	atomic_init(&o->refcount, 1);
}

/* True when p looks like a live object of the given type. */
static inline bool svmgpu_object_is(const void *p, enum svmgpu_magic m)
{
	return p && ((const struct svmgpu_object *)p)->magic == m &&
	       atomic_load_explicit(&((const struct svmgpu_object *)p)->refcount,
				    memory_order_relaxed) > 0;
}

static inline void svmgpu_object_retain(void *p)
{
	atomic_fetch_add_explicit(&((struct svmgpu_object *)p)->refcount, 1,
				  memory_order_relaxed);
}

/* Returns true when this was the last reference: the caller frees. */
static inline bool svmgpu_object_release(void *p)
{
	struct svmgpu_object *o = p;

	if (atomic_fetch_sub_explicit(&o->refcount, 1, memory_order_acq_rel) != 1)
		return false;
	o->magic = SVMGPU_MAGIC_DEAD;
	return true;
}

static inline cl_uint svmgpu_object_refcount(const void *p)
{
	return atomic_load(&((const struct svmgpu_object *)p)->refcount);
}

/* Helpers for the common "set *errcode_ret and return NULL" pattern. */
static inline void *svmgpu_fail(cl_int *errcode_ret, cl_int err)
{
	if (errcode_ret)
		*errcode_ret = err;
	return NULL;
}

static inline void svmgpu_set_err(cl_int *errcode_ret, cl_int err)
{
	if (errcode_ret)
		*errcode_ret = err;
}

#endif
