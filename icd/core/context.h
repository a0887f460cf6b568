/* SPDX-License-Identifier: MIT */
#ifndef SVMGPU_CONTEXT_H
#define SVMGPU_CONTEXT_H

#include "object.h"
#include <pthread.h>

struct svmgpu_context_dtor {
	struct svmgpu_context_dtor *next;
	void(CL_CALLBACK *fn)(cl_context, void *);
	void *user_data;
};

struct _cl_context {
	struct svmgpu_object obj;
	cl_uint num_devices;
	cl_device_id *devices;
	cl_context_properties *props; /* copy, zero-terminated; NULL when none given */
	size_t props_len;             /* entries including the terminator */
	void(CL_CALLBACK *notify)(const char *, const void *, size_t, void *);
	void *notify_data;
	pthread_mutex_t lock;
	struct svmgpu_context_dtor *dtors; /* run last-registered first */
};

static inline bool svmgpu_context_valid(cl_context c)
{
	return svmgpu_object_is(c, SVMGPU_MAGIC_CONTEXT);
}

bool svmgpu_context_has_device(cl_context c, cl_device_id d);
void svmgpu_context_retain(cl_context c);
void svmgpu_context_release(cl_context c);
/* The device whose memory operations provide the context's buffer and SVM
 * storage (the first with alloc_mem: every device of the context reaches
 * that memory), or NULL when plain host memory serves them all. */
cl_device_id svmgpu_context_mem_device(cl_context c);
/* The error callback given at creation, if any. */
void svmgpu_context_notify(cl_context c, const char *msg);

#endif
