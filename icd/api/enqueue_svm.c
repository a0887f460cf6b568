// SPDX-License-Identifier: MIT
/* The SVM commands: clEnqueueSVMFree, Memcpy, MemFill, Map, Unmap and
 * MigrateMem.
 *
 * Pointers come in three kinds: inside a clSVMAlloc allocation (the
 * registry knows its extent, so a range that runs past its end is refused),
 * plain host memory (valid SVM on a device with fine-grain system SVM, and
 * always valid as a memcpy end), and NULL (refused). A pointer in an
 * allocation of another context is undefined behaviour by the specification;
 * as all devices address host memory it still works, and SVMGPU_DEBUG says so.
 *
 * Every payload is a copy: pointer arrays and fill patterns may be reused by
 * the application as soon as the call returns. */
#include "context.h"
#include "device.h"
#include "log.h"
#include "queue.h"
#include "scheduler.h"
#include "svm_registry.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SVM_MAX_PATTERN 128 /* long16 / double16: the largest OpenCL C type */

/* A macro, so that SVMGPU_DEBUG names the entry point that refused. */
#define SVM_CHECK_QUEUE(q)                                                              \
	do {                                                                            \
		if (!svmgpu_queue_valid(q) || ((q)->props & CL_QUEUE_ON_DEVICE))        \
			return SVMGPU_ERR(CL_INVALID_COMMAND_QUEUE,                     \
					  "%p is not a valid host command queue",      \
					  (void *)(q));                                 \
		if (!((q)->device->svm_caps & CL_DEVICE_SVM_COARSE_GRAIN_BUFFER))      \
			return SVMGPU_ERR(CL_INVALID_OPERATION,                         \
					  "the queue's device does not support SVM");   \
	} while (0)

static inline bool system_svm(cl_command_queue q)
{
	return q->device->svm_caps & CL_DEVICE_SVM_FINE_GRAIN_SYSTEM;
}

enum range_kind {
	RANGE_BAD,    /* runs past its allocation, wraps, or host memory not allowed */
	RANGE_ALLOC,  /* inside a clSVMAlloc allocation */
	RANGE_SYSTEM, /* host memory outside every allocation */
};

/* Classifies [p, p + size). A nonzero-size range that starts in an
 * allocation must end in it. */
static enum range_kind classify(cl_command_queue q, const void *p, size_t size,
				struct svmgpu_svm_alloc *out)
{
	struct svmgpu_svm_alloc a;
	uintptr_t off;

	if (size > UINTPTR_MAX - (uintptr_t)p)
		return RANGE_BAD;
	if (!svmgpu_svm_lookup(p, &a))
		return RANGE_SYSTEM;
	off = (uintptr_t)p - (uintptr_t)a.base;
	if (size > a.size - off)
		return RANGE_BAD;
	if (a.context != q->context && svmgpu_debug_enabled)
		svmgpu_log("svmgpu: %p belongs to an SVM allocation of context %p, not of the "
			   "queue's context %p (undefined by the specification)\n",
			   p, (void *)a.context, (void *)q->context);
	if (out)
		*out = a;
	return RANGE_ALLOC;
}

/* ---- clEnqueueSVMFree ---- */

struct svm_free_payload {
	void(CL_CALLBACK *fn)(cl_command_queue, cl_uint, void *[], void *);
	void *user_data;
	cl_uint n;
	void *ptrs[];
};

static cl_int run_svm_free(cl_event ev)
{
	struct svm_free_payload *p = ev->payload;

	if (p->fn) {
		/* The application frees: it gets our copy of the array, which
		 * lives until the command completes. */
		p->fn(ev->queue, p->n, p->n ? p->ptrs : NULL, p->user_data);
		return CL_SUCCESS;
	}
	for (cl_uint i = 0; i < p->n; i++)
		clSVMFree(ev->context, p->ptrs[i]);
	return CL_SUCCESS;
}

SVMGPU_API cl_int CL_API_CALL clEnqueueSVMFree(
	cl_command_queue command_queue, cl_uint num_svm_pointers, void *svm_pointers[],
	void(CL_CALLBACK *pfn_free_func)(cl_command_queue queue, cl_uint num_svm_pointers,
					 void *svm_pointers[], void *user_data),
	void *user_data, cl_uint num_events_in_wait_list, const cl_event *event_wait_list,
	cl_event *event)
{
	struct svm_free_payload *p;
	cl_event ev;
	cl_int err;

	SVM_CHECK_QUEUE(command_queue);
	if ((num_svm_pointers == 0) != (svm_pointers == NULL))
		return SVMGPU_ERR(CL_INVALID_VALUE, "num_svm_pointers %u with svm_pointers %p",
				  num_svm_pointers, (void *)svm_pointers);
	/* The specification lists no error for a NULL entry; like pocl we
	 * refuse it: it is not something clSVMAlloc returned, and a callback
	 * would be handed it. */
	for (cl_uint i = 0; i < num_svm_pointers; i++)
		if (!svm_pointers[i])
			return SVMGPU_ERR(CL_INVALID_VALUE, "svm_pointers[%u] is NULL", i);
	err = svmgpu_check_wait_list(command_queue->context, num_events_in_wait_list,
				     event_wait_list);
	if (err)
		return err;

	if ((unsigned long long)num_svm_pointers * sizeof(void *) > SIZE_MAX - sizeof(*p))
		return CL_OUT_OF_HOST_MEMORY; /* only possible on 32-bit hosts */
	p = malloc(sizeof(*p) + (size_t)num_svm_pointers * sizeof(void *));
	if (!p)
		return CL_OUT_OF_HOST_MEMORY;
	p->fn = pfn_free_func;
	p->user_data = user_data;
	p->n = num_svm_pointers;
	if (num_svm_pointers)
		memcpy(p->ptrs, svm_pointers, (size_t)num_svm_pointers * sizeof(void *));
	ev = svmgpu_command_new(command_queue, CL_COMMAND_SVM_FREE, run_svm_free, p, free);
	if (!ev)
		return CL_OUT_OF_HOST_MEMORY;
	return svmgpu_command_submit(ev, num_events_in_wait_list, event_wait_list, false, event);
}

/* ---- clEnqueueSVMMemcpy ---- */

struct svm_copy_payload {
	void *dst;
	const void *src;
	size_t size;
};

static cl_int run_svm_memcpy(cl_event ev)
{
	struct svm_copy_payload *p = ev->payload;
	cl_device_id dev = ev->queue->device;

	if (p->size)
		dev->ops->copy(dev, p->dst, p->src, p->size);
	return CL_SUCCESS;
}

SVMGPU_API cl_int CL_API_CALL clEnqueueSVMMemcpy(cl_command_queue command_queue,
						 cl_bool blocking_copy, void *dst_ptr,
						 const void *src_ptr, size_t size,
						 cl_uint num_events_in_wait_list,
						 const cl_event *event_wait_list, cl_event *event)
{
	uintptr_t d = (uintptr_t)dst_ptr, s = (uintptr_t)src_ptr;
	struct svm_copy_payload *p;
	cl_event ev;
	cl_int err;

	SVM_CHECK_QUEUE(command_queue);
	if (!dst_ptr || !src_ptr)
		return SVMGPU_ERR(CL_INVALID_VALUE, "dst_ptr %p, src_ptr %p", dst_ptr, src_ptr);
	/* Either end may be plain host memory: the specification allows it
	 * for memcpy whatever the device's SVM capabilities. */
	if (classify(command_queue, dst_ptr, size, NULL) == RANGE_BAD ||
	    classify(command_queue, src_ptr, size, NULL) == RANGE_BAD)
		return SVMGPU_ERR(CL_INVALID_VALUE,
				  "%zu bytes from %p to %p run past an SVM allocation", size,
				  src_ptr, dst_ptr);
	if (size && (d < s ? s - d < size : d - s < size))
		return SVMGPU_ERR(CL_MEM_COPY_OVERLAP, "%zu bytes from %p to %p overlap", size,
				  src_ptr, dst_ptr);
	err = svmgpu_check_wait_list(command_queue->context, num_events_in_wait_list,
				     event_wait_list);
	if (err)
		return err;

	p = malloc(sizeof(*p));
	if (!p)
		return CL_OUT_OF_HOST_MEMORY;
	*p = (struct svm_copy_payload){ .dst = dst_ptr, .src = src_ptr, .size = size };
	ev = svmgpu_command_new(command_queue, CL_COMMAND_SVM_MEMCPY, run_svm_memcpy, p, free);
	if (!ev)
		return CL_OUT_OF_HOST_MEMORY;
	return svmgpu_command_submit(ev, num_events_in_wait_list, event_wait_list,
				     blocking_copy, event);
}

/* ---- clEnqueueSVMMemFill ---- */

struct svm_fill_payload {
	union {
		unsigned char bytes[SVM_MAX_PATTERN];
		uint64_t align; /* lets the fill op read it in words */
	} pattern;
	void *dst;
	size_t size, pattern_size;
};

static cl_int run_svm_memfill(cl_event ev)
{
	struct svm_fill_payload *p = ev->payload;
	cl_device_id dev = ev->queue->device;

	if (p->size)
		dev->ops->fill(dev, p->dst, p->pattern.bytes, p->pattern_size, p->size);
	return CL_SUCCESS;
}

SVMGPU_API cl_int CL_API_CALL clEnqueueSVMMemFill(cl_command_queue command_queue, void *svm_ptr,
						  const void *pattern, size_t pattern_size,
						  size_t size, cl_uint num_events_in_wait_list,
						  const cl_event *event_wait_list, cl_event *event)
{
	struct svm_fill_payload *p;
	enum range_kind kind;
	cl_event ev;
	cl_int err;

	SVM_CHECK_QUEUE(command_queue);
	if (!svm_ptr || !pattern)
		return SVMGPU_ERR(CL_INVALID_VALUE, "svm_ptr %p, pattern %p", svm_ptr, pattern);
	if (!pattern_size || (pattern_size & (pattern_size - 1)) || pattern_size > SVM_MAX_PATTERN)
		return SVMGPU_ERR(CL_INVALID_VALUE,
				  "pattern_size %zu is not a power of two up to 128", pattern_size);
	if ((uintptr_t)svm_ptr & (pattern_size - 1))
		return SVMGPU_ERR(CL_INVALID_VALUE, "svm_ptr %p is not aligned to pattern_size %zu",
				  svm_ptr, pattern_size);
	if (size & (pattern_size - 1))
		return SVMGPU_ERR(CL_INVALID_VALUE,
				  "size %zu is not a multiple of pattern_size %zu", size,
				  pattern_size);
	kind = classify(command_queue, svm_ptr, size, NULL);
	if (kind == RANGE_BAD || (kind == RANGE_SYSTEM && !system_svm(command_queue)))
		return SVMGPU_ERR(CL_INVALID_VALUE, "%zu bytes at %p are not SVM memory", size,
				  svm_ptr);
	err = svmgpu_check_wait_list(command_queue->context, num_events_in_wait_list,
				     event_wait_list);
	if (err)
		return err;

	p = malloc(sizeof(*p));
	if (!p)
		return CL_OUT_OF_HOST_MEMORY;
	memcpy(p->pattern.bytes, pattern, pattern_size); /* the caller may reuse it at once */
	p->dst = svm_ptr;
	p->size = size;
	p->pattern_size = pattern_size;
	ev = svmgpu_command_new(command_queue, CL_COMMAND_SVM_MEMFILL, run_svm_memfill, p, free);
	if (!ev)
		return CL_OUT_OF_HOST_MEMORY;
	return svmgpu_command_submit(ev, num_events_in_wait_list, event_wait_list, false, event);
}

/* ---- clEnqueueSVMMap / clEnqueueSVMUnmap ---- */

/* Every device of the platform reads and writes the host's memory in place,
 * so mapping has nothing to do: a map or unmap only orders itself in the
 * queue. When nobody can observe that order (no event asked for, no wait
 * list, and the call does not block or the queue has nothing in flight to
 * wait for) there is nothing to enqueue at all, which makes the common
 * map / touch / unmap sequence cost a few checks. */
static cl_int enqueue_nothing(cl_command_queue q, cl_command_type type, bool blocking,
			      cl_uint n, const cl_event *list, cl_event *event)
{
	cl_event ev;

	if (!event && !n && (!blocking || svmgpu_queue_idle(q)))
		return CL_SUCCESS;
	ev = svmgpu_command_new(q, type, NULL, NULL, NULL);
	if (!ev)
		return CL_OUT_OF_HOST_MEMORY;
	return svmgpu_command_submit(ev, n, list, blocking, event);
}

static inline bool map_flags_valid(cl_map_flags f)
{
	const cl_map_flags rw = CL_MAP_READ | CL_MAP_WRITE;

	if (f & ~(rw | CL_MAP_WRITE_INVALIDATE_REGION))
		return false;
	/* WRITE_INVALIDATE_REGION excludes both others (memory map flags table). */
	return !((f & CL_MAP_WRITE_INVALIDATE_REGION) && (f & rw));
}

SVMGPU_API cl_int CL_API_CALL clEnqueueSVMMap(cl_command_queue command_queue, cl_bool blocking_map,
					      cl_map_flags map_flags, void *svm_ptr, size_t size,
					      cl_uint num_events_in_wait_list,
					      const cl_event *event_wait_list, cl_event *event)
{
	enum range_kind kind;
	cl_int err;

	SVM_CHECK_QUEUE(command_queue);
	if (!svm_ptr || !size)
		return SVMGPU_ERR(CL_INVALID_VALUE, "svm_ptr %p, size %zu", svm_ptr, size);
	if (!map_flags_valid(map_flags))
		return SVMGPU_ERR(CL_INVALID_VALUE, "map_flags 0x%llx",
				  (unsigned long long)map_flags);
	kind = classify(command_queue, svm_ptr, size, NULL);
	if (kind == RANGE_BAD || (kind == RANGE_SYSTEM && !system_svm(command_queue)))
		return SVMGPU_ERR(CL_INVALID_VALUE, "%zu bytes at %p are not SVM memory", size,
				  svm_ptr);
	err = svmgpu_check_wait_list(command_queue->context, num_events_in_wait_list,
				     event_wait_list);
	if (err)
		return err;
	return enqueue_nothing(command_queue, CL_COMMAND_SVM_MAP, blocking_map,
			       num_events_in_wait_list, event_wait_list, event);
}

SVMGPU_API cl_int CL_API_CALL clEnqueueSVMUnmap(cl_command_queue command_queue, void *svm_ptr,
						cl_uint num_events_in_wait_list,
						const cl_event *event_wait_list, cl_event *event)
{
	cl_int err;

	SVM_CHECK_QUEUE(command_queue);
	if (!svm_ptr)
		return SVMGPU_ERR(CL_INVALID_VALUE, "svm_ptr is NULL");
	err = svmgpu_check_wait_list(command_queue->context, num_events_in_wait_list,
				     event_wait_list);
	if (err)
		return err;
	return enqueue_nothing(command_queue, CL_COMMAND_SVM_UNMAP, false,
			       num_events_in_wait_list, event_wait_list, event);
}

/* ---- clEnqueueSVMMigrateMem ---- */

struct svm_migrate_payload {
	bool to_host;
	cl_uint n;
	struct {
		const void *ptr;
		size_t size;
	} ranges[];
};

/* Migration is a residency hint: the device may move pages or ignore it,
 * and the command succeeds either way. */
static cl_int run_svm_migrate(cl_event ev)
{
	struct svm_migrate_payload *p = ev->payload;
	cl_device_id dev = ev->queue->device;

	if (dev->ops->migrate)
		for (cl_uint i = 0; i < p->n; i++)
			dev->ops->migrate(dev, p->ranges[i].ptr, p->ranges[i].size, p->to_host);
	return CL_SUCCESS;
}

/* The range svm_pointers[i] / sizes[i] stands for, or an error. A size of 0
 * (or no sizes) means the whole clSVMAlloc allocation containing the
 * pointer; with a size, host memory outside every allocation is accepted
 * where the device has fine-grain system SVM. */
static cl_int migrate_range(cl_command_queue q, const void *ptr, size_t size,
			    struct svm_migrate_payload *p, cl_uint i)
{
	struct svmgpu_svm_alloc a;
	enum range_kind kind;

	if (!ptr)
		return CL_INVALID_VALUE;
	kind = classify(q, ptr, size, &a);
	if (kind == RANGE_BAD || (kind == RANGE_SYSTEM && (!size || !system_svm(q))))
		return CL_INVALID_VALUE;
	p->ranges[i].ptr = size ? ptr : a.base;
	p->ranges[i].size = size ? size : a.size;
	return CL_SUCCESS;
}

SVMGPU_API cl_int CL_API_CALL clEnqueueSVMMigrateMem(cl_command_queue command_queue,
						     cl_uint num_svm_pointers,
						     const void **svm_pointers, const size_t *sizes,
						     cl_mem_migration_flags flags,
						     cl_uint num_events_in_wait_list,
						     const cl_event *event_wait_list,
						     cl_event *event)
{
	const cl_mem_migration_flags known =
		CL_MIGRATE_MEM_OBJECT_HOST | CL_MIGRATE_MEM_OBJECT_CONTENT_UNDEFINED;
	struct svm_migrate_payload *p;
	cl_event ev;
	cl_int err;

	SVM_CHECK_QUEUE(command_queue);
	if (!num_svm_pointers || !svm_pointers)
		return SVMGPU_ERR(CL_INVALID_VALUE, "num_svm_pointers %u, svm_pointers %p",
				  num_svm_pointers, (void *)svm_pointers);
	if (flags & ~known)
		return SVMGPU_ERR(CL_INVALID_VALUE, "flags 0x%llx", (unsigned long long)flags);

	/* The payload is filled while checking: each range is looked up once. */
	if ((unsigned long long)num_svm_pointers * sizeof(p->ranges[0]) > SIZE_MAX - sizeof(*p))
		return CL_OUT_OF_HOST_MEMORY; /* only possible on 32-bit hosts */
	p = malloc(sizeof(*p) + (size_t)num_svm_pointers * sizeof(p->ranges[0]));
	if (!p)
		return CL_OUT_OF_HOST_MEMORY;
	p->to_host = flags & CL_MIGRATE_MEM_OBJECT_HOST;
	p->n = num_svm_pointers;
	for (cl_uint i = 0; i < num_svm_pointers; i++) {
		size_t size = sizes ? sizes[i] : 0;

		if (migrate_range(command_queue, svm_pointers[i], size, p, i)) {
			free(p);
			return SVMGPU_ERR(CL_INVALID_VALUE,
					  "svm_pointers[%u] %p size %zu is not within an SVM "
					  "allocation", i, svm_pointers[i], size);
		}
	}
	err = svmgpu_check_wait_list(command_queue->context, num_events_in_wait_list,
				     event_wait_list);
	if (err) {
		free(p);
		return err;
	}
	ev = svmgpu_command_new(command_queue, CL_COMMAND_SVM_MIGRATE_MEM, run_svm_migrate, p,
				free);
	if (!ev)
		return CL_OUT_OF_HOST_MEMORY;
	return svmgpu_command_submit(ev, num_events_in_wait_list, event_wait_list, false, event);
}
