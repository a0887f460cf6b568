// SPDX-License-Identifier: MIT
/* clEnqueueNDRangeKernel and clEnqueueTask: the checks of the specification,
 * in its order, then a command that owns a copy of the kernel's arguments
 * (later clSetKernelArg calls do not reach it), the buffers they name and
 * the executable (a rebuild of the program does not either), and runs on the
 * CPU device's executor (devices/cpu/executor.h). A fault in the kernel
 * fails the command, not the process: its event gets CL_OUT_OF_RESOURCES and
 * the context's callback the reason. */
#include "compiler/compiler.h"
#include "context.h"
#include "device.h"
#include "device_desc.h"
#include "devices/cpu/executor.h"
#include "kernel.h"
#include "log.h"
#include "mem.h"
#include "queue.h"
#include "scheduler.h"
#include "svm_registry.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The command: one 128-byte aligned block holding the argument values first
 * (kernel->values, copied whole with its alignment), then this header and the
 * arrays it points at; base: the allocation it lies in. */
struct ndrange_cmd {
	struct svmgpu_launch launch;
	void *base;
	struct svmgpu_exe *exe;
	const struct svmgpu_kernel_meta *meta; /* lives in exe */
	const char *name;
	cl_uint num_mems;
	cl_mem *mems;
};

static void ndrange_free(void *payload)
{
	struct ndrange_cmd *c = payload;

	for (cl_uint i = 0; i < c->num_mems; i++)
		svmgpu_mem_release(c->mems[i]);
	svmgpu_exe_release(c->exe);
	free(c->base);
}

static cl_int ndrange_run(cl_event ev)
{
	struct ndrange_cmd *c = ev->payload;
	char msg[256] = "", full[384];
	cl_int err;

	cl_device_id dev = ev->queue->device;

	if (dev->ops->launch)
		err = dev->ops->launch(dev, c->exe->by_isa[dev->isa], c->meta, &c->launch, msg,
				       sizeof(msg));
	else
		err = svmgpu_cpu_execute(&c->launch, msg, sizeof(msg));
	if (err == CL_SUCCESS)
		return CL_SUCCESS;
	snprintf(full, sizeof(full), "svmgpu: kernel %s failed (%d): %s", c->name, err,
		 msg[0] ? msg : "no reason given");
	if (svmgpu_debug_enabled)
		svmgpu_log("%s\n", full);
	svmgpu_context_notify(ev->context, full);
	return err < 0 ? err : CL_OUT_OF_RESOURCES;
}

static size_t align_up(size_t v, size_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/* The command's copy of everything the launch needs. */
static cl_int snapshot(cl_kernel k, const uint64_t gsize[3], const uint64_t goff[3],
		       const uint64_t lsize[3], cl_uint work_dim, struct ndrange_cmd **out)
{
	const struct svmgpu_kernel_meta *meta = k->meta;
	cl_uint n = meta->num_args, nmem = 0, nlocal = 0;
	size_t off_hdr = k->values_size, off_argp, off_ptrs, off_mems, off_lsz, total;
	unsigned char *base;
	void *raw;
	struct ndrange_cmd *c;
	void **argp, **ptrs;
	uint32_t *lsz;

	for (cl_uint i = 0; i < n; i++) {
		nmem += k->args[i].mem != NULL;
		nlocal += k->args[i].kind == SVMGPU_KARG_LOCAL;
	}
	off_argp = align_up(off_hdr + sizeof(*c), sizeof(void *));
	off_ptrs = off_argp + n * sizeof(void *);
	off_mems = off_ptrs + n * sizeof(void *);
	off_lsz = off_mems + nmem * sizeof(cl_mem);
	total = off_lsz + (nlocal ? n : 0) * sizeof(uint32_t);
	/* malloc and align by hand: aligned_alloc skips malloc's per-thread
	 * cache and takes the arena's lock, every enqueue. */
	raw = malloc(total + SVMGPU_KARG_MAX_ALIGN - 1);
	if (!raw)
		return SVMGPU_ERR(CL_OUT_OF_HOST_MEMORY, "no memory for the command");
	base = (unsigned char *)align_up((uintptr_t)raw, SVMGPU_KARG_MAX_ALIGN);
	if (k->values_size)
		memcpy(base, k->values, k->values_size);
	c = (struct ndrange_cmd *)(base + off_hdr);
	argp = (void **)(base + off_argp);
	ptrs = (void **)(base + off_ptrs);
	lsz = nlocal ? (uint32_t *)(base + off_lsz) : NULL;
	memset(c, 0, sizeof(*c));
	c->base = raw;
	c->mems = (cl_mem *)(base + off_mems);
	c->exe = k->exe;
	svmgpu_exe_retain(k->exe);
	c->name = meta->name;
	c->meta = meta;
	for (cl_uint i = 0; i < n; i++) {
		const struct svmgpu_karg *a = &k->args[i];

		ptrs[i] = a->ptr;
		argp[i] = a->kind == SVMGPU_KARG_VALUE ? (void *)(base + a->offset) : &ptrs[i];
		if (lsz)
			lsz[i] = a->kind == SVMGPU_KARG_LOCAL ? (uint32_t)a->local_size : 0;
		if (a->mem) {
			svmgpu_mem_retain(a->mem);
			c->mems[c->num_mems++] = a->mem;
		}
	}
	c->launch.wg = meta->uses_barrier ? NULL : meta->launcher;
	c->launch.wi = meta->uses_barrier ? meta->launcher : NULL;
	c->launch.args = n ? argp : NULL;
	c->launch.num_args = n;
	c->launch.local_arg_sizes = lsz;
	c->launch.work_dim = work_dim;
	for (int d = 0; d < 3; d++) {
		c->launch.global_offset[d] = goff[d];
		c->launch.global_size[d] = gsize[d];
		c->launch.local_size[d] = lsize[d];
	}
	*out = c;
	return CL_SUCCESS;
}

/* CL_INVALID_KERNEL_ARGS, CL_MISALIGNED_SUB_BUFFER_OFFSET, CL_INVALID_OPERATION
 * (pointers the device cannot reach). */
static cl_int check_args(cl_command_queue q, cl_kernel k)
{
	cl_device_id dev = q->device;
	size_t align = dev->mem_base_addr_align / 8;

	if (k->num_unset) {
		for (cl_uint i = 0; i < k->meta->num_args; i++)
			if (k->args[i].kind == SVMGPU_KARG_UNSET)
				return SVMGPU_ERR(CL_INVALID_KERNEL_ARGS, "argument %u of %s is "
						  "not set", i, k->meta->name);
	}
	for (cl_uint i = 0; i < k->meta->num_args; i++) {
		const struct svmgpu_karg *a = &k->args[i];
		struct svmgpu_svm_alloc sa;

		if (a->mem && !svmgpu_mem_valid(a->mem))
			return SVMGPU_ERR(CL_INVALID_KERNEL_ARGS, "argument %u: the buffer was "
					  "released", i);
		if (a->mem && dev->ops->alloc_mem && (a->mem->flags & CL_MEM_USE_HOST_PTR) &&
		    !a->mem->uses_svm_pointer && !(a->mem->parent ? a->mem->parent
							       : a->mem)->registered_with)
			return SVMGPU_ERR(CL_INVALID_OPERATION, "argument %u: the %s device cannot "
					  "reach a buffer over application memory "
					  "(CL_MEM_USE_HOST_PTR) that the driver would not register",
					  i, dev->ops->name);
		if (a->mem && a->mem->parent && align > 1 && a->mem->origin % align)
			return SVMGPU_ERR(CL_MISALIGNED_SUB_BUFFER_OFFSET, "argument %u: the "
					  "sub-buffer origin %zu is not aligned to %zu", i,
					  a->mem->origin, align);
		if (a->kind != SVMGPU_KARG_SVM || !a->ptr ||
		    (dev->svm_caps & CL_DEVICE_SVM_FINE_GRAIN_SYSTEM))
			continue;
		if (!dev->svm_caps)
			return SVMGPU_ERR(CL_INVALID_OPERATION, "argument %u is an SVM pointer and "
					  "the device has no SVM", i);
		if (!svmgpu_svm_lookup(a->ptr, &sa))
			return SVMGPU_ERR(CL_INVALID_OPERATION, "argument %u is a system pointer "
					  "and the device has no fine-grain system SVM", i);
	}
	return CL_SUCCESS;
}

/* Kernel-scope __local variables and __local arguments share the device's
 * local memory. */
static cl_int check_local_mem(cl_command_queue q, cl_kernel k)
{
	uint64_t need = k->meta->local_mem_size + k->local_args_size;
	uint64_t have = q->device->desc->local_mem_size;

	if (need > have)
		return SVMGPU_ERR(CL_OUT_OF_RESOURCES, "%s needs %llu bytes of local memory, the "
				  "device has %llu", k->meta->name, (unsigned long long)need,
				  (unsigned long long)have);
	return CL_SUCCESS;
}

/* The local size: checked when given (CL_INVALID_WORK_GROUP_SIZE,
 * CL_INVALID_WORK_ITEM_SIZE), chosen otherwise. */
static cl_int local_size(cl_command_queue q, cl_kernel k, cl_uint work_dim,
			 const uint64_t gsize[3], const size_t *local_work_size, bool empty,
			 uint64_t lsize[3])
{
	const struct svmgpu_device_desc *desc = q->device->desc;
	const uint64_t *reqd = k->meta->reqd_work_group_size;
	bool has_reqd = reqd[0] && reqd[1] && reqd[2];
	bool uniform = k->exe->uniform_wg || !desc->non_uniform_work_group_support;
	uint64_t max = svmgpu_kernel_wg_size(k, q->device), total = 1;

	if (!local_work_size) {
		if (has_reqd) {
			for (int d = 0; d < 3; d++)
				lsize[d] = reqd[d];
		} else if (empty) {
			lsize[0] = lsize[1] = lsize[2] = 1;
			return CL_SUCCESS;
		} else {
			svmgpu_cpu_pick_local_size(work_dim, gsize, max, k->meta->uses_barrier, lsize);
			return CL_SUCCESS;
		}
		for (cl_uint d = 0; d < 3 && uniform && !empty; d++)
			if (gsize[d] % lsize[d])
				return SVMGPU_ERR(CL_INVALID_WORK_GROUP_SIZE, "uniform groups: "
						  "global size %llu, required local %llu",
						  (unsigned long long)gsize[d],
						  (unsigned long long)lsize[d]);
		return CL_SUCCESS;
	}
	for (cl_uint d = 0; d < 3; d++)
		lsize[d] = d < work_dim ? local_work_size[d] : 1;
	for (cl_uint d = 0; d < work_dim; d++)
		if (!lsize[d])
			return SVMGPU_ERR(CL_INVALID_WORK_GROUP_SIZE, "local size %u is 0", d);
	if (has_reqd)
		for (cl_uint d = 0; d < 3; d++)
			if (lsize[d] != reqd[d])
				return SVMGPU_ERR(CL_INVALID_WORK_GROUP_SIZE, "local size (%llu,"
						  "%llu,%llu), required (%llu,%llu,%llu)",
						  (unsigned long long)lsize[0],
						  (unsigned long long)lsize[1],
						  (unsigned long long)lsize[2],
						  (unsigned long long)reqd[0],
						  (unsigned long long)reqd[1],
						  (unsigned long long)reqd[2]);
	for (cl_uint d = 0; d < work_dim; d++) {
		if (lsize[d] > desc->max_work_item_sizes[d])
			return SVMGPU_ERR(CL_INVALID_WORK_ITEM_SIZE, "local_work_size[%u] = %llu > "
					  "%zu", d, (unsigned long long)lsize[d],
					  desc->max_work_item_sizes[d]);
		total *= lsize[d];
	}
	if (total > max)
		return SVMGPU_ERR(CL_INVALID_WORK_GROUP_SIZE, "%llu work-items per group > %llu",
				  (unsigned long long)total, (unsigned long long)max);
	for (cl_uint d = 0; d < work_dim && uniform; d++)
		if (gsize[d] % lsize[d])
			return SVMGPU_ERR(CL_INVALID_WORK_GROUP_SIZE, "uniform work-groups (OpenCL "
					  "C 1.x or -cl-uniform-work-group-size): global size %llu "
					  "is not a multiple of %llu", (unsigned long long)gsize[d],
					  (unsigned long long)lsize[d]);
	return CL_SUCCESS;
}

static cl_int enqueue_ndrange(cl_command_queue q, cl_kernel k, cl_command_type type,
			      cl_uint work_dim, const size_t *global_work_offset,
			      const size_t *global_work_size, const size_t *local_work_size,
			      cl_uint n, const cl_event *list, cl_event *event)
{
	uint64_t gsize[3] = {1, 1, 1}, goff[3] = {0, 0, 0}, lsize[3] = {1, 1, 1};
	bool empty = !global_work_size;
	struct ndrange_cmd *payload = NULL;
	cl_event ev;
	cl_int err;

	if (!svmgpu_queue_valid(q))
		return SVMGPU_ERR(CL_INVALID_COMMAND_QUEUE, "%p is not a queue", (void *)q);
	if (!svmgpu_kernel_valid(k))
		return SVMGPU_ERR(CL_INVALID_KERNEL, "%p is not a kernel", (void *)k);
	if (k->context != q->context)
		return SVMGPU_ERR(CL_INVALID_CONTEXT, "the kernel and the queue have different "
				  "contexts");
	if (!svmgpu_program_has_device(k->program, q->device))
		return SVMGPU_ERR(CL_INVALID_PROGRAM_EXECUTABLE, "the program was not built for "
				  "the queue's device");
	err = check_args(q, k);
	if (err)
		return err;
	if (work_dim < 1 || work_dim > q->device->desc->max_work_item_dimensions)
		return SVMGPU_ERR(CL_INVALID_WORK_DIMENSION, "work_dim %u", work_dim);
	/* OpenCL 2.1 and later: no global size, or a 0 in it, makes a command
	 * that does nothing once its dependencies are met. */
	for (cl_uint d = 0; global_work_size && d < work_dim; d++) {
		gsize[d] = global_work_size[d];
		empty |= !gsize[d];
		if (global_work_offset) {
			goff[d] = global_work_offset[d];
			if (goff[d] > SIZE_MAX - gsize[d])
				return SVMGPU_ERR(CL_INVALID_GLOBAL_OFFSET, "offset %zu + size %zu "
						  "overflows in dimension %u",
						  global_work_offset[d], global_work_size[d], d);
		}
	}
	err = local_size(q, k, work_dim, gsize, local_work_size, empty, lsize);
	if (!err)
		err = svmgpu_check_wait_list(q->context, n, list);
	if (!err)
		err = check_local_mem(q, k);
	if (err)
		return err;
	if (!empty) {
		err = snapshot(k, gsize, goff, lsize, work_dim, &payload);
		if (err)
			return err;
	}
	ev = empty ? svmgpu_command_new(q, type, NULL, NULL, NULL)
		   : svmgpu_command_new(q, type, ndrange_run, payload, ndrange_free);
	if (!ev)
		return SVMGPU_ERR(CL_OUT_OF_HOST_MEMORY, "cannot create the command");
	return svmgpu_command_submit(ev, n, list, false, event);
}

SVMGPU_API cl_int CL_API_CALL clEnqueueNDRangeKernel(cl_command_queue queue, cl_kernel kernel,
						     cl_uint work_dim,
						     const size_t *global_work_offset,
						     const size_t *global_work_size,
						     const size_t *local_work_size,
						     cl_uint num_events_in_wait_list,
						     const cl_event *event_wait_list,
						     cl_event *event)
{
	return enqueue_ndrange(queue, kernel, CL_COMMAND_NDRANGE_KERNEL, work_dim,
			       global_work_offset, global_work_size, local_work_size,
			       num_events_in_wait_list, event_wait_list, event);
}

SVMGPU_API cl_int CL_API_CALL clEnqueueTask(cl_command_queue queue, cl_kernel kernel,
					    cl_uint num_events_in_wait_list,
					    const cl_event *event_wait_list, cl_event *event)
{
	static const size_t one = 1;

	return enqueue_ndrange(queue, kernel, CL_COMMAND_TASK, 1, NULL, &one, &one,
			       num_events_in_wait_list, event_wait_list, event);
}

SVMGPU_API cl_int CL_API_CALL clEnqueueNativeKernel(cl_command_queue queue,
						    void(CL_CALLBACK *user_func)(void *),
						    void *args, size_t cb_args,
						    cl_uint num_mem_objects, const cl_mem *mem_list,
						    const void **args_mem_loc,
						    cl_uint num_events_in_wait_list,
						    const cl_event *event_wait_list,
						    cl_event *event)
{
	(void)num_events_in_wait_list;
	(void)event_wait_list;
	(void)event;
	if (!svmgpu_queue_valid(queue))
		return SVMGPU_ERR(CL_INVALID_COMMAND_QUEUE, "%p is not a queue", (void *)queue);
	if (!user_func)
		return SVMGPU_ERR(CL_INVALID_VALUE, "user_func is NULL");
	if ((!args && (cb_args || num_mem_objects)) || (args && !cb_args))
		return SVMGPU_ERR(CL_INVALID_VALUE, "args %p, cb_args %zu, num_mem_objects %u",
				  args, cb_args, num_mem_objects);
	if (num_mem_objects ? !mem_list || !args_mem_loc : mem_list || args_mem_loc)
		return SVMGPU_ERR(CL_INVALID_VALUE, "num_mem_objects %u, mem_list %p, "
				  "args_mem_loc %p", num_mem_objects, (void *)mem_list,
				  (void *)args_mem_loc);
	/* CL_DEVICE_EXECUTION_CAPABILITIES lacks CL_EXEC_NATIVE_KERNEL. */
	return SVMGPU_ERR(CL_INVALID_OPERATION, "no device runs native kernels");
}
