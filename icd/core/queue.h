/* SPDX-License-Identifier: MIT */
#ifndef SVMGPU_QUEUE_H
#define SVMGPU_QUEUE_H

#include "object.h"

#define SVMGPU_MAX_QUEUE_PROPS 8

struct _cl_command_queue {
	struct svmgpu_object obj;
	cl_context context;
	cl_device_id device;
	cl_command_queue_properties props;
	cl_queue_properties props_array[2 * SVMGPU_MAX_QUEUE_PROPS + 1];
	size_t props_array_len; /* 0 when created by clCreateCommandQueue */
	cl_uint size;           /* CL_QUEUE_SIZE (on-device queues only) */

	/* Owned by the scheduler lock (core/scheduler.c). */
	cl_event last;         /* newest incomplete command (weak) */
	cl_event last_barrier; /* newest incomplete barrier (weak, out-of-order) */
	cl_event inflight;     /* list of incomplete commands, oldest first (weak) */
	cl_event inflight_tail;
	atomic_uint num_inflight; /* written under the lock, read without it */
};

static inline bool svmgpu_queue_valid(cl_command_queue q)
{
	return svmgpu_object_is(q, SVMGPU_MAGIC_QUEUE);
}

static inline bool svmgpu_queue_in_order(cl_command_queue q)
{
	return !(q->props & CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE);
}

void svmgpu_queue_retain(cl_command_queue q);
void svmgpu_queue_release(cl_command_queue q);

#endif
