// SPDX-License-Identifier: MIT
/* Rectangular reads, writes and copies of buffers. A rectangle is region[2]
 * slices of region[1] rows of region[0] bytes; pitches of 0 mean "packed".
 * Every offset is computed with overflow checks, so absurd origins or pitches
 * are CL_INVALID_VALUE rather than wrapped pointers, and the copy overlap
 * check is exact (not the specification's conservative sketch). */
#include "device.h"
#include "log.h"
#include "mem.h"
#include "queue.h"
#include "scheduler.h"

#include <stdint.h>
#include <stdlib.h>

static cl_int check_region(const size_t *region)
{
	if (region[0] == 0 || region[1] == 0 || region[2] == 0)
		return SVMGPU_ERR(CL_INVALID_VALUE, "region {%zu, %zu, %zu} has a zero", region[0],
				  region[1], region[2]);
	return CL_SUCCESS;
}

/* Replaces 0 pitches by their packed values and checks the given ones. */
static cl_int fix_pitches(const size_t *region, size_t *row, size_t *slice, const char *what)
{
	size_t min_slice;
	bool huge;

	if (*row == 0)
		*row = region[0];
	else if (*row < region[0])
		return SVMGPU_ERR(CL_INVALID_VALUE, "%s row pitch %zu is less than region[0] %zu",
				  what, *row, region[0]);
	/* When region[1] * row does not fit, no slice pitch is large enough. */
	huge = __builtin_mul_overflow(region[1], *row, &min_slice);
	if (*slice == 0 && !huge) {
		*slice = min_slice;
		return CL_SUCCESS;
	}
	if (huge || *slice < min_slice)
		return SVMGPU_ERR(CL_INVALID_VALUE,
				  "%s slice pitch %zu is less than region[1] * row pitch", what,
				  *slice);
	if (*slice % *row)
		return SVMGPU_ERR(CL_INVALID_VALUE,
				  "%s slice pitch %zu is not a multiple of the row pitch %zu", what,
				  *slice, *row);
	return CL_SUCCESS;
}

/* The offset of the first byte and one past the last one of a rectangle;
 * false when they do not fit in a size_t. */
static bool span(const size_t *origin, const size_t *region, size_t row, size_t slice,
		 size_t *first, size_t *end)
{
	size_t a, b, f, e;

	if (__builtin_mul_overflow(origin[2], slice, &a) ||
	    __builtin_mul_overflow(origin[1], row, &b) || __builtin_add_overflow(a, b, &f) ||
	    __builtin_add_overflow(f, origin[0], &f))
		return false;
	if (__builtin_mul_overflow(region[2] - 1, slice, &a) ||
	    __builtin_mul_overflow(region[1] - 1, row, &b) || __builtin_add_overflow(a, b, &e) ||
	    __builtin_add_overflow(e, region[0], &e) || __builtin_add_overflow(f, e, &e))
		return false;
	*first = f;
	*end = e;
	return true;
}

static cl_int buffer_span(cl_mem m, const size_t *origin, const size_t *region, size_t row,
			  size_t slice, size_t *first, const char *what)
{
	size_t end;

	if (!span(origin, region, row, slice, first, &end) || end > m->size)
		return SVMGPU_ERR(CL_INVALID_VALUE,
				  "the %s rectangle is outside the %zu-byte buffer", what, m->size);
	return CL_SUCCESS;
}

/* The host side has no known size; it must at least not wrap around. */
static cl_int host_span(const void *ptr, const size_t *origin, const size_t *region, size_t row,
			size_t slice, size_t *first)
{
	size_t end;

	if (!span(origin, region, row, slice, first, &end) || end > UINTPTR_MAX - (uintptr_t)ptr)
		return SVMGPU_ERR(CL_INVALID_VALUE, "the host rectangle wraps around");
	return CL_SUCCESS;
}

struct rect_xfer {
	cl_mem mem[2];
	char *dst;
	const char *src;
	size_t region[3];
	size_t dst_row, dst_slice, src_row, src_slice;
};

static cl_int run_rect(cl_event ev)
{
	const struct rect_xfer *x = ev->payload;
	cl_device_id dev = ev->queue->device;
	size_t w = x->region[0], h = x->region[1], d = x->region[2];

	/* Packed rows on both sides: whole slices (or everything) in one go. */
	if (x->src_row == w && x->dst_row == w) {
		if (x->src_slice == w * h && x->dst_slice == w * h) {
			dev->ops->copy(dev, x->dst, x->src, w * h * d);
			return CL_SUCCESS;
		}
		for (size_t z = 0; z < d; z++)
			dev->ops->copy(dev, x->dst + z * x->dst_slice, x->src + z * x->src_slice,
				       w * h);
		return CL_SUCCESS;
	}
	for (size_t z = 0; z < d; z++)
		for (size_t y = 0; y < h; y++)
			dev->ops->copy(dev, x->dst + z * x->dst_slice + y * x->dst_row,
				       x->src + z * x->src_slice + y * x->src_row, w);
	return CL_SUCCESS;
}

static void free_rect(void *p)
{
	struct rect_xfer *x = p;

	for (int i = 0; i < 2; i++)
		if (x->mem[i])
			svmgpu_mem_release(x->mem[i]);
	free(x);
}

static cl_int enqueue_rect(cl_command_queue q, cl_command_type type, struct rect_xfer *tmpl,
			   cl_uint n, const cl_event *list, bool blocking, cl_event *event)
{
	struct rect_xfer *x = malloc(sizeof(*x));
	cl_event ev;

	if (!x)
		return SVMGPU_ERR(CL_OUT_OF_HOST_MEMORY, "no memory for the command");
	*x = *tmpl;
	for (int i = 0; i < 2; i++)
		if (x->mem[i])
			svmgpu_mem_retain(x->mem[i]);
	ev = svmgpu_command_new(q, type, run_rect, x, free_rect);
	if (!ev)
		return SVMGPU_ERR(CL_OUT_OF_HOST_MEMORY, "cannot create the command");
	return svmgpu_command_submit(ev, n, list, blocking, event);
}

static cl_int rw_rect(cl_command_queue q, cl_mem m, bool write, bool blocking,
		      const size_t *buffer_origin, const size_t *host_origin, const size_t *region,
		      size_t buffer_row_pitch, size_t buffer_slice_pitch, size_t host_row_pitch,
		      size_t host_slice_pitch, const void *ptr, cl_uint n, const cl_event *list,
		      cl_event *event)
{
	struct rect_xfer x = {.mem = {m, NULL}};
	size_t bfirst, hfirst;
	cl_int err;

	if (!svmgpu_queue_valid(q))
		return SVMGPU_ERR(CL_INVALID_COMMAND_QUEUE, "bad command queue");
	err = svmgpu_mem_check_for_queue(q, m, "buffer");
	if (err)
		return err;
	if (!buffer_origin || !host_origin || !region)
		return SVMGPU_ERR(CL_INVALID_VALUE, "buffer_origin, host_origin or region is NULL");
	err = check_region(region);
	if (!err)
		err = fix_pitches(region, &buffer_row_pitch, &buffer_slice_pitch, "buffer");
	if (!err)
		err = fix_pitches(region, &host_row_pitch, &host_slice_pitch, "host");
	if (!err)
		err = buffer_span(m, buffer_origin, region, buffer_row_pitch, buffer_slice_pitch,
				  &bfirst, "buffer");
	if (err)
		return err;
	if (!ptr)
		return SVMGPU_ERR(CL_INVALID_VALUE, "ptr is NULL");
	err = host_span(ptr, host_origin, region, host_row_pitch, host_slice_pitch, &hfirst);
	if (err)
		return err;
	if (!write && (m->flags & (CL_MEM_HOST_WRITE_ONLY | CL_MEM_HOST_NO_ACCESS)))
		return SVMGPU_ERR(CL_INVALID_OPERATION,
				  "reading a HOST_WRITE_ONLY or HOST_NO_ACCESS buffer");
	if (write && (m->flags & (CL_MEM_HOST_READ_ONLY | CL_MEM_HOST_NO_ACCESS)))
		return SVMGPU_ERR(CL_INVALID_OPERATION,
				  "writing a HOST_READ_ONLY or HOST_NO_ACCESS buffer");
	err = svmgpu_check_wait_list(q->context, n, list);
	if (!err)
		err = svmgpu_mem_check_sub_align(q, m);
	if (err)
		return err;

	for (int i = 0; i < 3; i++)
		x.region[i] = region[i];
	if (write) {
		x.dst = m->data + bfirst;
		x.src = (const char *)ptr + hfirst;
		x.dst_row = buffer_row_pitch;
		x.dst_slice = buffer_slice_pitch;
		x.src_row = host_row_pitch;
		x.src_slice = host_slice_pitch;
	} else {
		x.dst = (char *)ptr + hfirst;
		x.src = m->data + bfirst;
		x.dst_row = host_row_pitch;
		x.dst_slice = host_slice_pitch;
		x.src_row = buffer_row_pitch;
		x.src_slice = buffer_slice_pitch;
	}
	return enqueue_rect(q, write ? CL_COMMAND_WRITE_BUFFER_RECT : CL_COMMAND_READ_BUFFER_RECT,
			    &x, n, list, blocking, event);
}

SVMGPU_API cl_int CL_API_CALL clEnqueueReadBufferRect(
	cl_command_queue command_queue, cl_mem buffer, cl_bool blocking_read,
	const size_t *buffer_origin, const size_t *host_origin, const size_t *region,
	size_t buffer_row_pitch, size_t buffer_slice_pitch, size_t host_row_pitch,
	size_t host_slice_pitch, void *ptr, cl_uint num_events_in_wait_list,
	const cl_event *event_wait_list, cl_event *event)
{
	return rw_rect(command_queue, buffer, false, blocking_read, buffer_origin, host_origin,
		       region, buffer_row_pitch, buffer_slice_pitch, host_row_pitch,
		       host_slice_pitch, ptr, num_events_in_wait_list, event_wait_list, event);
}

SVMGPU_API cl_int CL_API_CALL clEnqueueWriteBufferRect(
	cl_command_queue command_queue, cl_mem buffer, cl_bool blocking_write,
	const size_t *buffer_origin, const size_t *host_origin, const size_t *region,
	size_t buffer_row_pitch, size_t buffer_slice_pitch, size_t host_row_pitch,
	size_t host_slice_pitch, const void *ptr, cl_uint num_events_in_wait_list,
	const cl_event *event_wait_list, cl_event *event)
{
	return rw_rect(command_queue, buffer, true, blocking_write, buffer_origin, host_origin,
		       region, buffer_row_pitch, buffer_slice_pitch, host_row_pitch,
		       host_slice_pitch, ptr, num_events_in_wait_list, event_wait_list, event);
}

/* A rectangle placed in its root buffer: bytes base + x + y*r + z*s for
 * x < w, y < h, z < d, with w <= r and h*r <= s (checked pitches). Being in
 * bounds, (h-1)*r and (d-1)*s are below the buffer size, so every product
 * below fits in an int64_t. */
struct place {
	int64_t base, w, h, d, r, s;
};

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b && a < 0) ? q - 1 : q;
}

/* Same pitches: the rectangles overlap iff their distance D = x1 - x2 +
 * (y1 - y2)*r + (z1 - z2)*s for some in-range coordinates. Since
 * |dx + dy*r| < h*r <= s, only dz = floor(D/s) or that + 1 can work, and
 * likewise only two dy for each dz: at most four candidates to try. */
static bool overlap_same_pitch(const struct place *a, int64_t D)
{
	int64_t zq = a->d > 1 ? floor_div(D, a->s) : 0;

	for (int64_t dz = zq; dz <= zq + 1; dz++) {
		int64_t D1, yq;

		if (dz <= -a->d || dz >= a->d)
			continue;
		D1 = D - (dz ? dz * a->s : 0);
		yq = a->h > 1 ? floor_div(D1, a->r) : 0;
		for (int64_t dy = yq; dy <= yq + 1; dy++) {
			int64_t dx;

			if (dy <= -a->h || dy >= a->h)
				continue;
			dx = D1 - (dy ? dy * a->r : 0);
			if (dx > -a->w && dx < a->w)
				return true;
		}
	}
	return false;
}

static int64_t extent(const struct place *p)
{
	return (p->d - 1) * (p->d > 1 ? p->s : 0) + (p->h - 1) * (p->h > 1 ? p->r : 0) + p->w;
}

/* Whether a byte of b lies in [p, p + len): find b's first byte at or
 * after p and compare. */
static bool row_hits(const struct place *b, int64_t p, int64_t len)
{
	int64_t q = p - b->base, z = 0, rem = q, y = 0;

	if (q + len <= 0)
		return false;
	if (q < 0)
		return true; /* b's first byte is inside */
	if (b->d > 1) {
		z = q / b->s;
		if (z >= b->d)
			return false;
		rem = q - z * b->s;
	}
	if (b->h > 1)
		y = rem / b->r;
	if (y < b->h) {
		if (rem - (y ? y * b->r : 0) < b->w)
			return true;
		if (y + 1 < b->h)
			return (y + 1) * b->r - rem < len;
	}
	if (z + 1 >= b->d)
		return false;
	return (z + 1) * b->s - q < len;
}

/* Different pitches (two sub-buffers of one parent): test a's rows that lie
 * within b's span, each in constant time. */
static bool overlap_rows(const struct place *a, const struct place *b)
{
	int64_t b_end = b->base + extent(b), a_slice = (a->h - 1) * (a->h > 1 ? a->r : 0) + a->w;

	for (int64_t z = 0; z < a->d; z++) {
		int64_t zs = a->base + (z ? z * a->s : 0);

		if (zs >= b_end)
			return false;
		if (zs + a_slice <= b->base)
			continue;
		for (int64_t y = 0; y < a->h; y++) {
			int64_t p = zs + (y ? y * a->r : 0);

			if (p >= b_end)
				return false;
			if (row_hits(b, p, a->w))
				return true;
		}
	}
	return false;
}

static bool rects_overlap(const struct place *a, const struct place *b)
{
	if (a->base + extent(a) <= b->base || b->base + extent(b) <= a->base)
		return false;
	if (a->r == b->r && a->s == b->s)
		return overlap_same_pitch(a, b->base - a->base);
	return overlap_rows(a, b);
}

SVMGPU_API cl_int CL_API_CALL clEnqueueCopyBufferRect(
	cl_command_queue command_queue, cl_mem src_buffer, cl_mem dst_buffer,
	const size_t *src_origin, const size_t *dst_origin, const size_t *region,
	size_t src_row_pitch, size_t src_slice_pitch, size_t dst_row_pitch,
	size_t dst_slice_pitch, cl_uint num_events_in_wait_list, const cl_event *event_wait_list,
	cl_event *event)
{
	cl_command_queue q = command_queue;
	struct rect_xfer x = {.mem = {src_buffer, dst_buffer}};
	size_t sfirst, dfirst;
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
	if (!src_origin || !dst_origin || !region)
		return SVMGPU_ERR(CL_INVALID_VALUE, "src_origin, dst_origin or region is NULL");
	err = check_region(region);
	if (!err)
		err = fix_pitches(region, &src_row_pitch, &src_slice_pitch, "source");
	if (!err)
		err = fix_pitches(region, &dst_row_pitch, &dst_slice_pitch, "destination");
	if (err)
		return err;
	if (src_buffer == dst_buffer &&
	    (src_row_pitch != dst_row_pitch || src_slice_pitch != dst_slice_pitch))
		return SVMGPU_ERR(CL_INVALID_VALUE,
				  "a copy within one buffer needs the same pitches on both sides");
	err = buffer_span(src_buffer, src_origin, region, src_row_pitch, src_slice_pitch, &sfirst,
			  "source");
	if (!err)
		err = buffer_span(dst_buffer, dst_origin, region, dst_row_pitch, dst_slice_pitch,
				  &dfirst, "destination");
	if (!err)
		err = svmgpu_check_wait_list(q->context, num_events_in_wait_list, event_wait_list);
	if (err)
		return err;
	if ((src_buffer->parent ? src_buffer->parent : src_buffer) ==
	    (dst_buffer->parent ? dst_buffer->parent : dst_buffer)) {
		struct place a = {(int64_t)(src_buffer->origin + sfirst),
				  (int64_t)region[0], (int64_t)region[1], (int64_t)region[2],
				  (int64_t)src_row_pitch, (int64_t)src_slice_pitch};
		struct place b = {(int64_t)(dst_buffer->origin + dfirst),
				  (int64_t)region[0], (int64_t)region[1], (int64_t)region[2],
				  (int64_t)dst_row_pitch, (int64_t)dst_slice_pitch};

		if (rects_overlap(&a, &b))
			return SVMGPU_ERR(CL_MEM_COPY_OVERLAP,
					  "source and destination rectangles overlap");
	}

	for (int i = 0; i < 3; i++)
		x.region[i] = region[i];
	x.src = src_buffer->data + sfirst;
	x.dst = dst_buffer->data + dfirst;
	x.src_row = src_row_pitch;
	x.src_slice = src_slice_pitch;
	x.dst_row = dst_row_pitch;
	x.dst_slice = dst_slice_pitch;
	return enqueue_rect(q, CL_COMMAND_COPY_BUFFER_RECT, &x, num_events_in_wait_list,
			    event_wait_list, false, event);
}
