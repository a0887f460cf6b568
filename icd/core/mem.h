/* SPDX-License-Identifier: MIT */
/* Buffer objects. Every device of the platform addresses host memory (the
 * point of SVM), so a buffer's storage is one host allocation that commands
 * reach through the device's operations. */
#ifndef SVMGPU_MEM_H
#define SVMGPU_MEM_H

#include "object.h"
#include <pthread.h>

#define SVMGPU_MAX_MEM_PROPS 8

struct svmgpu_mem_dtor {
	struct svmgpu_mem_dtor *next;
	void(CL_CALLBACK *fn)(cl_mem, void *);
	void *user_data;
};

struct _cl_mem {
	struct svmgpu_object obj;
	cl_context context;
	cl_mem_object_type type;
	cl_mem_flags flags;
	size_t size;
	void *host_ptr;      /* CL_MEM_HOST_PTR as the application gave it */
	char *data;          /* storage: own, host_ptr (USE_HOST_PTR), SVM, or parent's */
	bool owns_data;
	bool uses_svm_pointer; /* created over SVM memory (CL_MEM_USES_SVM_POINTER) */
	cl_device_id registered_with; /* device that registered host_ptr (USE_HOST_PTR), or NULL */
	cl_mem parent;       /* sub-buffers: retained parent */
	size_t origin;
	cl_mem_properties props[2 * SVMGPU_MAX_MEM_PROPS + 1];
	size_t props_len;
	atomic_uint map_count;
	pthread_mutex_t lock;
	struct svmgpu_mem_dtor *dtors; /* run last-registered first */
};

static inline bool svmgpu_mem_valid(cl_mem m)
{
	return svmgpu_object_is(m, SVMGPU_MAGIC_MEM);
}

/* Drops the live-mapping records of a buffer being destroyed
 * (api/enqueue_map.c keeps them). */
void svmgpu_map_forget(cl_mem m);

/* A buffer a command of q may use: CL_INVALID_MEM_OBJECT or
 * CL_INVALID_CONTEXT otherwise; `what` names the argument in the log. */
cl_int svmgpu_mem_check_for_queue(cl_command_queue q, cl_mem m, const char *what);
/* CL_MISALIGNED_SUB_BUFFER_OFFSET for a sub-buffer q's device cannot use. */
cl_int svmgpu_mem_check_sub_align(cl_command_queue q, cl_mem m);

void svmgpu_mem_retain(cl_mem m);
void svmgpu_mem_release(cl_mem m);

#endif
