// SPDX-License-Identifier: MIT
/* NDRanges on the GPU. A PTX module is loaded into the device's context on
 * its first launch and kept with the module. OpenCL's NDRange maps onto
 * CUDA grids: work-groups are blocks, and a non-uniform edge (the last
 * group of a dimension smaller than the others) becomes extra grids with
 * smaller blocks, up to 2^work_dim of them. Before each grid the launch
 * geometry goes into the module's __svmgpu_geom (builtins/ptx/workitem.cl)
 * on the device's stream, so every grid sees its own.
 *
 * __local pointer arguments are carved out of the block's dynamic shared
 * memory: the kernel's entry receives offsets into it and adds the area's
 * address (compiler/codegen_ptx.c). */
#include "cuda_internal.h"
#include "compiler.h"
#include "log.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOCAL_ALIGN 16
#define GEOMETRY_SYMBOL "__svmgpu_geom"

/* builtins/ptx/workitem.cl's struct svmgpu_ptx_geometry. */
struct ptx_geometry {
	uint32_t work_dim;
	uint32_t reserved;
	uint64_t global_offset[3];
	uint64_t global_size[3];
	uint64_t enqueued_local_size[3];
	uint64_t num_groups[3];
	uint64_t group_offset[3];
};

struct cuda_module {
	struct svmgpu_module_dev base;
	const struct svmgpu_cuda_api *cu;
	CUcontext ctx;
	CUmodule mod;
	CUdeviceptr geom;
	struct ptx_geometry last; /* what __svmgpu_geom holds (valid: have_last) */
	bool have_last;
	uint32_t num_kernels;
	CUfunction fn[];
};

static void cuda_module_free(struct svmgpu_module_dev *d)
{
	struct cuda_module *m = (struct cuda_module *)d;

	if (m->cu->CtxSetCurrent(m->ctx) == CUDA_SUCCESS)
		m->cu->ModuleUnload(m->mod);
	free(m);
}

/* Under the device's lock. */
static struct cuda_module *module_of(struct cuda_device *c, struct svmgpu_module *ptx,
				     char *msg, size_t msg_size)
{
	char jit_log[1024] = "";
	int opts[] = {CU_JIT_ERROR_LOG_BUFFER, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES};
	void *vals[] = {jit_log, (void *)(uintptr_t)sizeof(jit_log)};
	struct cuda_module *m;
	size_t geom_size = 0;
	CUresult r;

	if (ptx->dev)
		return (struct cuda_module *)ptx->dev;
	m = calloc(1, sizeof(*m) + ptx->num_kernels * sizeof(CUfunction));
	if (!m) {
		snprintf(msg, msg_size, "out of memory");
		return NULL;
	}
	m->base.free = cuda_module_free;
	m->cu = c->cu;
	m->ctx = c->ctx;
	m->num_kernels = ptx->num_kernels;
	r = c->cu->ModuleLoadDataEx(&m->mod, ptx->ptx, 2, opts, vals);
	if (r != CUDA_SUCCESS) {
		snprintf(msg, msg_size, "the driver rejected the PTX (%s): %s",
			 svmgpu_cuda_error(r), jit_log);
		free(m);
		return NULL;
	}
	for (uint32_t i = 0; i < ptx->num_kernels && r == CUDA_SUCCESS; i++)
		r = c->cu->ModuleGetFunction(&m->fn[i], m->mod, ptx->kernels[i].name);
	if (r == CUDA_SUCCESS)
		r = c->cu->ModuleGetGlobal(&m->geom, &geom_size, m->mod, GEOMETRY_SYMBOL);
	if (r != CUDA_SUCCESS || geom_size != sizeof(struct ptx_geometry)) {
		snprintf(msg, msg_size, "the PTX module lacks its kernels or %s (%s)",
			 GEOMETRY_SYMBOL, svmgpu_cuda_error(r));
		c->cu->ModuleUnload(m->mod);
		free(m);
		return NULL;
	}
	ptx->dev = &m->base;
	return m;
}

static int kernel_index(const struct svmgpu_module *ptx, const char *name)
{
	for (uint32_t i = 0; i < ptx->num_kernels; i++)
		if (!strcmp(ptx->kernels[i].name, name))
			return (int)i;
	return -1;
}

/* The parameters: the launch's values, except __local pointers, which get
 * their block's offset in the shared window. *dynamic: the bytes of dynamic
 * shared memory to ask for. */
static bool kernel_params(const struct svmgpu_launch *l, const struct svmgpu_kernel_meta *meta,
			  void **params, uint64_t *offsets, uint64_t *dynamic)
{
	uint64_t off = 0;

	for (uint32_t i = 0; i < l->num_args; i++) {
		if (meta->args[i].is_local) {
			uint32_t bytes = l->local_arg_sizes ? l->local_arg_sizes[i] : 0;

			offsets[i] = off;
			params[i] = &offsets[i];
			off += ((uint64_t)bytes + LOCAL_ALIGN - 1) & ~(uint64_t)(LOCAL_ALIGN - 1);
		} else {
			params[i] = l->args[i];
		}
	}
	*dynamic = off;
	return off <= UINT32_MAX;
}

/* One grid per combination of full and edge parts across the dimensions. */
static CUresult run_grids(struct cuda_device *c, struct cuda_module *m, CUfunction fn,
			  const struct svmgpu_launch *l, void **params, unsigned shared)
{
	struct ptx_geometry g = {.work_dim = l->work_dim};
	uint64_t full[3], edge[3];
	CUresult r = CUDA_SUCCESS;

	for (int d = 0; d < 3; d++) {
		bool used = (uint32_t)d < l->work_dim;
		uint64_t gs = used ? l->global_size[d] : 1, ls = used ? l->local_size[d] : 1;

		g.global_offset[d] = used ? l->global_offset[d] : 0;
		g.global_size[d] = gs;
		g.enqueued_local_size[d] = ls;
		full[d] = gs / ls;
		edge[d] = gs % ls;
		g.num_groups[d] = full[d] + (edge[d] != 0);
	}
	for (unsigned part = 0; part < 8 && r == CUDA_SUCCESS; part++) {
		unsigned grid[3], block[3];
		bool empty = false;

		for (int d = 0; d < 3; d++) {
			bool is_edge = part >> d & 1;

			grid[d] = is_edge ? 1 : (unsigned)full[d];
			block[d] = is_edge ? (unsigned)edge[d] : (unsigned)g.enqueued_local_size[d];
			g.group_offset[d] = is_edge ? full[d] : 0;
			empty |= is_edge ? !edge[d] : !full[d];
		}
		if (empty)
			continue;
		/* Launches of a device are serialised on its stream: the
		 * variable still holds what the last one wrote. */
		if (!m->have_last || memcmp(&m->last, &g, sizeof(g))) {
			r = c->cu->MemcpyHtoDAsync(m->geom, &g, sizeof(g), c->stream);
			m->last = g;
			m->have_last = r == CUDA_SUCCESS;
		}
		if (r == CUDA_SUCCESS)
			r = c->cu->LaunchKernel(fn, grid[0], grid[1], grid[2], block[0], block[1],
						block[2], shared, c->stream, params, NULL);
	}
	if (r == CUDA_SUCCESS)
		r = c->cu->StreamSynchronize(c->stream);
	return r;
}

cl_int svmgpu_cuda_launch(cl_device_id dev, struct svmgpu_module *ptx,
			  const struct svmgpu_kernel_meta *meta, const struct svmgpu_launch *l,
			  char *msg, size_t msg_size)
{
	struct cuda_device *c = cuda_of(dev);
	void *stack_params[32], **params = stack_params;
	uint64_t stack_offsets[32], *offsets = stack_offsets, dynamic;
	struct cuda_module *m;
	int idx, static_shared = 0;
	cl_int err = CL_SUCCESS;
	CUresult r;

	msg[0] = 0;
	if (!ptx || ptx->isa != SVMGPU_ISA_PTX || (idx = kernel_index(ptx, meta->name)) < 0) {
		snprintf(msg, msg_size, "no PTX for kernel %s", meta->name);
		return CL_INVALID_PROGRAM_EXECUTABLE;
	}
	if (l->num_args > 32) {
		params = malloc(l->num_args * sizeof(*params));
		offsets = malloc(l->num_args * sizeof(*offsets));
		if (!params || !offsets) {
			free(params == stack_params ? NULL : params);
			free(offsets == stack_offsets ? NULL : offsets);
			snprintf(msg, msg_size, "out of memory");
			return CL_OUT_OF_HOST_MEMORY;
		}
	}
	pthread_mutex_lock(&c->lock);
	if (c->cu->CtxSetCurrent(c->ctx) != CUDA_SUCCESS) {
		snprintf(msg, msg_size, "the GPU's context is unusable");
		err = CL_OUT_OF_RESOURCES;
		goto out;
	}
	m = module_of(c, ptx, msg, msg_size);
	if (!m) {
		err = CL_OUT_OF_RESOURCES;
		goto out;
	}
	c->cu->FuncGetAttribute(&static_shared, CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES, m->fn[idx]);
	if (!kernel_params(l, &ptx->kernels[idx], params, offsets, &dynamic) ||
	    dynamic + (uint64_t)static_shared > (uint64_t)c->desc.local_mem_size) {
		snprintf(msg, msg_size, "%s needs more local memory than the GPU has", meta->name);
		err = CL_OUT_OF_RESOURCES;
		goto out;
	}
	if (dynamic + (uint64_t)static_shared > (uint64_t)c->shared_default)
		c->cu->FuncSetAttribute(m->fn[idx], CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
					(int)dynamic);
	r = run_grids(c, m, m->fn[idx], l, params, (unsigned)dynamic);
	if (r != CUDA_SUCCESS) {
		snprintf(msg, msg_size, "the GPU failed the launch: %s", svmgpu_cuda_error(r));
		err = CL_OUT_OF_RESOURCES;
	}
out:
	pthread_mutex_unlock(&c->lock);
	if (params != stack_params)
		free(params);
	if (offsets != stack_offsets)
		free(offsets);
	return err;
}
