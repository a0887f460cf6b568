// SPDX-License-Identifier: MIT
/* Mapping buffers. Storage is host memory, so a map is zero copy: the pointer
 * is the storage itself (host_ptr + offset for CL_MEM_USE_HOST_PTR buffers),
 * and the map and unmap commands only order themselves among the queue's
 * other commands.
 *
 * Live mappings are tracked so that an unmap of a pointer no map of the object
 * returned is CL_INVALID_VALUE, and so that overlapping mappings for writing
 * (of an object or of the sub-buffers sharing its storage) are
 * CL_INVALID_OPERATION as the specification asks. The records live in one
 * table under its own lock (mem.h has no field for them); a destroyed object's
 * records go with it (svmgpu_map_forget, called by mem.c).
 *
 * CL_MEM_MAP_COUNT counts live mappings: it rises when clEnqueueMapBuffer
 * returns a pointer and falls when clEnqueueUnmapMemObject accepts it, both at
 * enqueue time, not when the commands run (pocl behaves the same way). */
#include "device.h"
#include "log.h"
#include "mem.h"
#include "queue.h"
#include "scheduler.h"

#include <stdlib.h>

struct mapping {
	struct mapping *next;
	cl_mem mem;  /* the object mapped (not retained) */
	cl_mem root; /* the owner of its storage: the overlap rule spans sub-buffers */
	char *ptr;
	size_t start, end; /* in root's storage */
	bool write;
};

static pthread_mutex_t maps_lock = PTHREAD_MUTEX_INITIALIZER;
static struct mapping *maps;


/* Called with maps_lock held: removes the record r of (m, ptr), or when a
 * concurrent unmap took it (r is then only compared, never read), another
 * record of the same pointer; gives back what was removed. r NULL: any. */
static struct mapping *unlink_mapping(cl_mem m, const void *ptr, const struct mapping *r)
{
	struct mapping **pp, *found = NULL;

	for (pp = &maps; r && *pp; pp = &(*pp)->next)
		if (*pp == r && r->mem == m && r->ptr == ptr) {
			found = *pp;
			break;
		}
	if (!found)
		for (pp = &maps; *pp; pp = &(*pp)->next)
			if ((*pp)->mem == m && (*pp)->ptr == ptr) {
				found = *pp;
				break;
			}
	if (found) {
		*pp = found->next;
		atomic_fetch_sub(&m->map_count, 1);
	}
	return found;
}

static void link_mapping(struct mapping *r)
{
	r->next = maps;
	maps = r;
	atomic_fetch_add(&r->mem->map_count, 1);
}

void svmgpu_map_forget(cl_mem m)
{
	struct mapping **pp, *r;

	pthread_mutex_lock(&maps_lock);
	for (pp = &maps; (r = *pp);) {
		if (r->mem == m) {
			*pp = r->next;
			free(r);
		} else {
			pp = &r->next;
		}
	}
	pthread_mutex_unlock(&maps_lock);
}

static cl_int run_nothing(cl_event ev)
{
	(void)ev;
	return CL_SUCCESS;
}

static void release_mem(void *p)
{
	svmgpu_mem_release(p);
}

static cl_int check_map(cl_command_queue q, cl_mem m, cl_map_flags flags, size_t offset,
			size_t size, cl_uint n, const cl_event *list)
{
	const cl_map_flags known = CL_MAP_READ | CL_MAP_WRITE | CL_MAP_WRITE_INVALIDATE_REGION;
	cl_int err;

	if (!svmgpu_queue_valid(q))
		return SVMGPU_ERR(CL_INVALID_COMMAND_QUEUE, "bad command queue");
	err = svmgpu_mem_check_for_queue(q, m, "buffer");
	if (err)
		return err;
	if (size == 0 || offset > m->size || size > m->size - offset)
		return SVMGPU_ERR(CL_INVALID_VALUE, "range %zu+%zu is empty or outside the "
				  "%zu-byte buffer", offset, size, m->size);
	if (flags & ~known)
		return SVMGPU_ERR(CL_INVALID_VALUE, "unknown map flags 0x%llx",
				  (unsigned long long)(flags & ~known));
	if ((flags & CL_MAP_WRITE_INVALIDATE_REGION) && (flags & (CL_MAP_READ | CL_MAP_WRITE)))
		return SVMGPU_ERR(CL_INVALID_VALUE,
				  "WRITE_INVALIDATE_REGION excludes READ and WRITE");
	err = svmgpu_check_wait_list(q->context, n, list);
	if (err)
		return err;
	err = svmgpu_mem_check_sub_align(q, m);
	if (err)
		return err;
	if ((flags & CL_MAP_READ) && (m->flags & (CL_MEM_HOST_WRITE_ONLY | CL_MEM_HOST_NO_ACCESS)))
		return SVMGPU_ERR(CL_INVALID_OPERATION,
				  "mapping a HOST_WRITE_ONLY or HOST_NO_ACCESS buffer for reading");
	if ((flags & (CL_MAP_WRITE | CL_MAP_WRITE_INVALIDATE_REGION)) &&
	    (m->flags & (CL_MEM_HOST_READ_ONLY | CL_MEM_HOST_NO_ACCESS)))
		return SVMGPU_ERR(CL_INVALID_OPERATION,
				  "mapping a HOST_READ_ONLY or HOST_NO_ACCESS buffer for writing");
	return CL_SUCCESS;
}

/* Records the mapping unless it overlaps a live one while either is for
 * writing. */
static cl_int add_mapping(struct mapping *r)
{
	pthread_mutex_lock(&maps_lock);
	for (struct mapping *o = maps; o; o = o->next) {
		if (o->root == r->root && (o->write || r->write) && o->start < r->end &&
		    r->start < o->end) {
			pthread_mutex_unlock(&maps_lock);
			return SVMGPU_ERR(CL_INVALID_OPERATION,
					  "the range overlaps a live mapping and one of them is "
					  "for writing");
		}
	}
	link_mapping(r);
	pthread_mutex_unlock(&maps_lock);
	return CL_SUCCESS;
}

static void drop_mapping(cl_mem m, const void *ptr, const struct mapping *r)
{
	struct mapping *found;

	pthread_mutex_lock(&maps_lock);
	found = unlink_mapping(m, ptr, r);
	pthread_mutex_unlock(&maps_lock);
	free(found);
}

SVMGPU_API void *CL_API_CALL clEnqueueMapBuffer(cl_command_queue command_queue, cl_mem buffer,
						cl_bool blocking_map, cl_map_flags map_flags,
						size_t offset, size_t size,
						cl_uint num_events_in_wait_list,
						const cl_event *event_wait_list, cl_event *event,
						cl_int *errcode_ret)
{
	cl_command_queue q = command_queue;
	struct mapping *r;
	char *ptr;
	cl_event ev;
	cl_int err;

	err = check_map(q, buffer, map_flags, offset, size, num_events_in_wait_list,
			event_wait_list);
	if (err)
		return svmgpu_fail(errcode_ret, err);
	r = calloc(1, sizeof(*r));
	if (!r)
		return svmgpu_fail(errcode_ret, CL_OUT_OF_HOST_MEMORY);
	ptr = buffer->data + offset;
	r->mem = buffer;
	r->root = buffer->parent ? buffer->parent : buffer;
	r->ptr = ptr;
	r->start = buffer->origin + offset;
	r->end = r->start + size;
	r->write = map_flags & (CL_MAP_WRITE | CL_MAP_WRITE_INVALIDATE_REGION);
	err = add_mapping(r);
	if (err) {
		free(r);
		return svmgpu_fail(errcode_ret, err);
	}

	svmgpu_mem_retain(buffer);
	ev = svmgpu_command_new(q, CL_COMMAND_MAP_BUFFER, run_nothing, buffer, release_mem);
	if (!ev) {
		drop_mapping(buffer, ptr, r);
		return svmgpu_fail(errcode_ret, SVMGPU_ERR(CL_OUT_OF_HOST_MEMORY,
							   "cannot create the command"));
	}
	/* From add_mapping on, a concurrent unmap of the same pointer may take
	 * and free r: below, it is only compared. */
	err = svmgpu_command_submit(ev, num_events_in_wait_list, event_wait_list, blocking_map,
				    event);
	if (err) {
		/* A failed blocking map returns no pointer: nothing to unmap. */
		drop_mapping(buffer, ptr, r);
		return svmgpu_fail(errcode_ret, err);
	}
	svmgpu_set_err(errcode_ret, CL_SUCCESS);
	return ptr;
}

SVMGPU_API cl_int CL_API_CALL clEnqueueUnmapMemObject(cl_command_queue command_queue,
						      cl_mem memobj, void *mapped_ptr,
						      cl_uint num_events_in_wait_list,
						      const cl_event *event_wait_list,
						      cl_event *event)
{
	cl_command_queue q = command_queue;
	struct mapping *r;
	cl_event ev;
	cl_int err;

	if (!svmgpu_queue_valid(q))
		return SVMGPU_ERR(CL_INVALID_COMMAND_QUEUE, "bad command queue");
	if (!svmgpu_mem_valid(memobj))
		return SVMGPU_ERR(CL_INVALID_MEM_OBJECT, "bad memory object");
	if (memobj->context != q->context)
		return SVMGPU_ERR(CL_INVALID_CONTEXT, "memobj and queue have different contexts");
	err = svmgpu_check_wait_list(q->context, num_events_in_wait_list, event_wait_list);
	if (err)
		return err;
	if (!mapped_ptr)
		return SVMGPU_ERR(CL_INVALID_VALUE, "mapped_ptr is NULL");
	pthread_mutex_lock(&maps_lock);
	r = unlink_mapping(memobj, mapped_ptr, NULL);
	pthread_mutex_unlock(&maps_lock);
	if (!r)
		return SVMGPU_ERR(CL_INVALID_VALUE, "%p is not a live mapping of this object",
				  mapped_ptr);

	svmgpu_mem_retain(memobj);
	ev = svmgpu_command_new(q, CL_COMMAND_UNMAP_MEM_OBJECT, run_nothing, memobj, release_mem);
	if (!ev) {
		/* Nothing happened: the mapping stays live. */
		pthread_mutex_lock(&maps_lock);
		link_mapping(r);
		pthread_mutex_unlock(&maps_lock);
		return SVMGPU_ERR(CL_OUT_OF_HOST_MEMORY, "cannot create the command");
	}
	free(r);
	return svmgpu_command_submit(ev, num_events_in_wait_list, event_wait_list, false, event);
}
