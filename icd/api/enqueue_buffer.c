// SPDX-License-Identifier: MIT
/* Reading, writing, copying, filling and migrating buffers. Arguments are
 * checked in the order of the specification's error lists; the data moves on
 * a worker through the queue's device operations, since all storage is host
 * memory that every device addresses. A size of 0 is in bounds and makes a
 * command that moves nothing (the specification only rejects it for maps). */
#include "device.h"
#include "log.h"
#include "mem.h"
#include "queue.h"
#include "scheduler.h"

#include <stdlib.h>
#include <string.h>

#define MAX_PATTERN 128

static bool in_bounds(cl_mem m, size_t offset, size_t size)
{
	return offset <= m->size && size <= m->size - offset;
}

/* One payload for read, write and copy: a byte range to another. */
struct xfer {
	cl_mem mem[2];
	void *dst;
	const void *src;
	size_t size;
};

static cl_int run_xfer(cl_event ev)
{
	struct xfer *x = ev->payload;
	cl_device_id dev = ev->queue->device;

	if (x->size)
		dev->ops->copy(dev, x->dst, x->src, x->size);
	return CL_SUCCESS;
}

static void free_xfer(void *p)
{
	struct xfer *x = p;

	for (int i = 0; i < 2; i++)
		if (x->mem[i])
			svmgpu_mem_release(x->mem[i]);
	free(x);
}

static cl_int submit(cl_command_queue q, cl_command_type type, svmgpu_command_fn run,
		     void *payload, void (*payload_free)(void *), cl_uint n, const cl_event *list,
		     bool blocking, cl_event *event)
{
	cl_event ev = svmgpu_command_new(q, type, run, payload, payload_free);

	if (!ev)
		return SVMGPU_ERR(CL_OUT_OF_HOST_MEMORY, "cannot create the command");
	return svmgpu_command_submit(ev, n, list, blocking, event);
}

static cl_int enqueue_xfer(cl_command_queue q, cl_command_type type, cl_mem m0, cl_mem m1,
			   void *dst, const void *src, size_t size, cl_uint n,
			   const cl_event *list, bool blocking, cl_event *event)
{
	struct xfer *x = calloc(1, sizeof(*x));

	if (!x)
		return SVMGPU_ERR(CL_OUT_OF_HOST_MEMORY, "no memory for the command");
	x->mem[0] = m0;
	svmgpu_mem_retain(m0);
	if (m1) {
		x->mem[1] = m1;
		svmgpu_mem_retain(m1);
	}
	x->dst = dst;
	x->src = src;
	x->size = size;
	return submit(q, type, run_xfer, x, free_xfer, n, list, blocking, event);
}

/* Read and write share every check but the host access flags. */
static cl_int check_rw(cl_command_queue q, cl_mem m, size_t offset, size_t size,
		       const void *ptr, bool write, cl_uint n, const cl_event *list)
{
	cl_int err;

	if (!svmgpu_queue_valid(q))
		return SVMGPU_ERR(CL_INVALID_COMMAND_QUEUE, "bad command queue");
	err = svmgpu_mem_check_for_queue(q, m, "buffer");
	if (err)
		return err;
	if (!in_bounds(m, offset, size))
		return SVMGPU_ERR(CL_INVALID_VALUE, "range %zu+%zu is outside the %zu-byte buffer",
				  offset, size, m->size);
	if (!ptr)
		return SVMGPU_ERR(CL_INVALID_VALUE, "ptr is NULL");
	if (!write && (m->flags & (CL_MEM_HOST_WRITE_ONLY | CL_MEM_HOST_NO_ACCESS)))
		return SVMGPU_ERR(CL_INVALID_OPERATION,
				  "reading a HOST_WRITE_ONLY or HOST_NO_ACCESS buffer");
	if (write && (m->flags & (CL_MEM_HOST_READ_ONLY | CL_MEM_HOST_NO_ACCESS)))
		return SVMGPU_ERR(CL_INVALID_OPERATION,
				  "writing a HOST_READ_ONLY or HOST_NO_ACCESS buffer");
	err = svmgpu_check_wait_list(q->context, n, list);
	if (err)
		return err;
	return svmgpu_mem_check_sub_align(q, m);
}

SVMGPU_API cl_int CL_API_CALL clEnqueueReadBuffer(cl_command_queue command_queue, cl_mem buffer,
						  cl_bool blocking_read, size_t offset,
						  size_t size, void *ptr,
						  cl_uint num_events_in_wait_list,
						  const cl_event *event_wait_list,
						  cl_event *event)
{
	cl_int err = check_rw(command_queue, buffer, offset, size, ptr, false,
			      num_events_in_wait_list, event_wait_list);

	if (err)
		return err;
	return enqueue_xfer(command_queue, CL_COMMAND_READ_BUFFER, buffer, NULL, ptr,
			    buffer->data + offset, size, num_events_in_wait_list,
			    event_wait_list, blocking_read, event);
}

SVMGPU_API cl_int CL_API_CALL clEnqueueWriteBuffer(cl_command_queue command_queue, cl_mem buffer,
						   cl_bool blocking_write, size_t offset,
						   size_t size, const void *ptr,
						   cl_uint num_events_in_wait_list,
						   const cl_event *event_wait_list,
						   cl_event *event)
{
	cl_int err = check_rw(command_queue, buffer, offset, size, ptr, true,
			      num_events_in_wait_list, event_wait_list);

	if (err)
		return err;
	return enqueue_xfer(command_queue, CL_COMMAND_WRITE_BUFFER, buffer, NULL,
			    buffer->data + offset, ptr, size, num_events_in_wait_list,
			    event_wait_list, blocking_write, event);
}

static cl_mem root_of(cl_mem m)
{
	return m->parent ? m->parent : m;
}

SVMGPU_API cl_int CL_API_CALL clEnqueueCopyBuffer(cl_command_queue command_queue,
						  cl_mem src_buffer, cl_mem dst_buffer,
						  size_t src_offset, size_t dst_offset, size_t size,
						  cl_uint num_events_in_wait_list,
						  const cl_event *event_wait_list,
						  cl_event *event)
{
	cl_command_queue q = command_queue;
	cl_int err;

	if (!svmgpu_queue_valid(q))
		return SVMGPU_ERR(CL_INVALID_COMMAND_QUEUE, "bad command queue");
	err = svmgpu_mem_check_for_queue(q, src_buffer, "src_buffer");
	if (!err)
		err = svmgpu_mem_check_for_queue(q, dst_buffer, "dst_buffer");
	if (!err)
		err = svmgpu_mem_check_sub_align(q, src_buffer);
	if (!err)
		err = svmgpu_mem_check_sub_align(q, dst_buffer);
	if (err)
		return err;
	if (!in_bounds(src_buffer, src_offset, size))
		return SVMGPU_ERR(CL_INVALID_VALUE, "source %zu+%zu is outside the %zu-byte buffer",
				  src_offset, size, src_buffer->size);
	if (!in_bounds(dst_buffer, dst_offset, size))
		return SVMGPU_ERR(CL_INVALID_VALUE,
				  "destination %zu+%zu is outside the %zu-byte buffer", dst_offset,
				  size, dst_buffer->size);
	err = svmgpu_check_wait_list(q->context, num_events_in_wait_list, event_wait_list);
	if (err)
		return err;
	/* Same storage (the same buffer, a buffer and its sub-buffer, two
	 * sub-buffers of one parent): compare the ranges in the parent. */
	if (root_of(src_buffer) == root_of(dst_buffer)) {
		size_t s = src_buffer->origin + src_offset, d = dst_buffer->origin + dst_offset;

		if (size && s < d + size && d < s + size)
			return SVMGPU_ERR(CL_MEM_COPY_OVERLAP,
					  "source and destination ranges overlap");
	}
	return enqueue_xfer(q, CL_COMMAND_COPY_BUFFER, src_buffer, dst_buffer,
			    dst_buffer->data + dst_offset, src_buffer->data + src_offset, size,
			    num_events_in_wait_list, event_wait_list, false, event);
}

struct fill {
	cl_mem mem;
	char *dst;
	size_t size, pattern_size;
	unsigned char pattern[MAX_PATTERN];
};

static cl_int run_fill(cl_event ev)
{
	struct fill *f = ev->payload;
	cl_device_id dev = ev->queue->device;

	if (f->size)
		dev->ops->fill(dev, f->dst, f->pattern, f->pattern_size, f->size);
	return CL_SUCCESS;
}

static void free_fill(void *p)
{
	struct fill *f = p;

	svmgpu_mem_release(f->mem);
	free(f);
}

SVMGPU_API cl_int CL_API_CALL clEnqueueFillBuffer(cl_command_queue command_queue, cl_mem buffer,
						  const void *pattern, size_t pattern_size,
						  size_t offset, size_t size,
						  cl_uint num_events_in_wait_list,
						  const cl_event *event_wait_list,
						  cl_event *event)
{
	cl_command_queue q = command_queue;
	struct fill *f;
	cl_int err;

	if (!svmgpu_queue_valid(q))
		return SVMGPU_ERR(CL_INVALID_COMMAND_QUEUE, "bad command queue");
	err = svmgpu_mem_check_for_queue(q, buffer, "buffer");
	if (err)
		return err;
	if (!in_bounds(buffer, offset, size))
		return SVMGPU_ERR(CL_INVALID_VALUE, "range %zu+%zu is outside the %zu-byte buffer",
				  offset, size, buffer->size);
	if (!pattern)
		return SVMGPU_ERR(CL_INVALID_VALUE, "pattern is NULL");
	if (pattern_size == 0 || pattern_size > MAX_PATTERN ||
	    (pattern_size & (pattern_size - 1)))
		return SVMGPU_ERR(CL_INVALID_VALUE,
				  "pattern_size %zu is not a power of two up to 128", pattern_size);
	if (offset % pattern_size || size % pattern_size)
		return SVMGPU_ERR(CL_INVALID_VALUE,
				  "offset %zu and size %zu must be multiples of pattern_size %zu",
				  offset, size, pattern_size);
	err = svmgpu_check_wait_list(q->context, num_events_in_wait_list, event_wait_list);
	if (!err)
		err = svmgpu_mem_check_sub_align(q, buffer);
	if (err)
		return err;

	f = calloc(1, sizeof(*f));
	if (!f)
		return SVMGPU_ERR(CL_OUT_OF_HOST_MEMORY, "no memory for the command");
	f->mem = buffer;
	svmgpu_mem_retain(buffer);
	f->dst = buffer->data + offset;
	f->size = size;
	f->pattern_size = pattern_size;
	/* The application may reuse pattern as soon as the call returns. */
	memcpy(f->pattern, pattern, pattern_size);
	return submit(q, CL_COMMAND_FILL_BUFFER, run_fill, f, free_fill, num_events_in_wait_list,
		      event_wait_list, false, event);
}

struct migrate {
	bool to_host;
	cl_uint n;
	cl_mem mems[];
};

static cl_int run_migrate(cl_event ev)
{
	struct migrate *mg = ev->payload;
	cl_device_id dev = ev->queue->device;

	if (!dev->ops->migrate)
		return CL_SUCCESS;
	for (cl_uint i = 0; i < mg->n; i++)
		dev->ops->migrate(dev, mg->mems[i]->data, mg->mems[i]->size, mg->to_host);
	return CL_SUCCESS;
}

static void free_migrate(void *p)
{
	struct migrate *mg = p;

	for (cl_uint i = 0; i < mg->n; i++)
		svmgpu_mem_release(mg->mems[i]);
	free(mg);
}

/* A placement hint: every device sees the same memory, so the command only
 * passes the hint on to the device (sgpu, cuda may move pages). */
SVMGPU_API cl_int CL_API_CALL clEnqueueMigrateMemObjects(cl_command_queue command_queue,
							 cl_uint num_mem_objects,
							 const cl_mem *mem_objects,
							 cl_mem_migration_flags flags,
							 cl_uint num_events_in_wait_list,
							 const cl_event *event_wait_list,
							 cl_event *event)
{
	const cl_mem_migration_flags known = CL_MIGRATE_MEM_OBJECT_HOST |
					     CL_MIGRATE_MEM_OBJECT_CONTENT_UNDEFINED;
	cl_command_queue q = command_queue;
	struct migrate *mg;
	cl_int err;

	if (!svmgpu_queue_valid(q))
		return SVMGPU_ERR(CL_INVALID_COMMAND_QUEUE, "bad command queue");
	if (num_mem_objects == 0 || !mem_objects)
		return SVMGPU_ERR(CL_INVALID_VALUE, "no memory objects");
	for (cl_uint i = 0; i < num_mem_objects; i++)
		if (!svmgpu_mem_valid(mem_objects[i]))
			return SVMGPU_ERR(CL_INVALID_MEM_OBJECT, "mem_objects[%u] is not valid", i);
	for (cl_uint i = 0; i < num_mem_objects; i++)
		if (mem_objects[i]->context != q->context)
			return SVMGPU_ERR(CL_INVALID_CONTEXT,
					  "mem_objects[%u] belongs to another context", i);
	if (flags & ~known)
		return SVMGPU_ERR(CL_INVALID_VALUE, "unknown migration flags 0x%llx",
				  (unsigned long long)(flags & ~known));
	err = svmgpu_check_wait_list(q->context, num_events_in_wait_list, event_wait_list);
	if (err)
		return err;

	mg = calloc(1, sizeof(*mg) + num_mem_objects * sizeof(mg->mems[0]));
	if (!mg)
		return SVMGPU_ERR(CL_OUT_OF_HOST_MEMORY, "no memory for the command");
	mg->to_host = flags & CL_MIGRATE_MEM_OBJECT_HOST;
	mg->n = num_mem_objects;
	for (cl_uint i = 0; i < num_mem_objects; i++) {
		mg->mems[i] = mem_objects[i];
		svmgpu_mem_retain(mem_objects[i]);
	}
	return submit(q, CL_COMMAND_MIGRATE_MEM_OBJECTS, run_migrate, mg, free_migrate,
		      num_events_in_wait_list, event_wait_list, false, event);
}
