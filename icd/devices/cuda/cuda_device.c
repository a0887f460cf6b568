// SPDX-License-Identifier: MIT
/* The cuda device: discovery, what clGetDeviceInfo reports (the real GPU's
 * figures, and only the SVM the driver grants), and its memory operations.
 * See cuda_device.h. */
#include "cuda_device.h"
#include "compiler.h"
#include "cuda_internal.h"
#include "log.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef SVMGPU_VERSION
#define SVMGPU_VERSION "0.1.0"
#endif

#define KiB ((cl_ulong)1024)
#define MiB (1024 * KiB)
#define NVIDIA_VENDOR_ID 0x10de

/* What libclc's nvptx64--nvidiacl library implements: no generic address
 * space, program-scope globals, 2.0 atomics or collectives. */
static const cl_name_version cuda_c_features[] = {
	{CL_MAKE_VERSION(3, 0, 0), "__opencl_c_fp64"},
	{CL_MAKE_VERSION(3, 0, 0), "__opencl_c_int64"},
};

static int attr(struct cuda_device *c, int which, int fallback)
{
	int v = 0;

	if (!c->cu || c->cu->DeviceGetAttribute(&v, which, c->cudev) != CUDA_SUCCESS)
		return fallback;
	return v;
}

/* Makes the device's context current on the calling thread (commands run on
 * any worker thread); false for an offline device. */
static bool enter(struct cuda_device *c)
{
	return c->cu && c->cu->CtxSetCurrent(c->ctx) == CUDA_SUCCESS;
}

/* ---- memory operations ---- */

/* cuMemcpy handles every pair of pointers under unified addressing
 * (managed, registered or plain host memory); the CPU copies when the
 * driver declines. */
static void cuda_copy(cl_device_id dev, void *dst, const void *src, size_t size)
{
	struct cuda_device *c = cuda_of(dev);

	if (!size)
		return;
	if (enter(c) && c->cu->Memcpy((CUdeviceptr)(uintptr_t)dst, (CUdeviceptr)(uintptr_t)src,
				      size) == CUDA_SUCCESS)
		return;
	memmove(dst, src, size);
}

static bool uniform_bytes(const unsigned char *p, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (p[i] != p[0])
			return false;
	return true;
}

/* The GPU's memset where the pattern allows (bytes, or 4-byte words at a
 * 4-byte boundary); otherwise the pattern once, then copies on the GPU that
 * double the filled part; the CPU when the driver declines (managed memory
 * is host memory too). */
static void cuda_fill(cl_device_id dev, void *dst, const void *pattern, size_t pattern_size,
		      size_t size)
{
	struct cuda_device *c = cuda_of(dev);
	CUdeviceptr p = (CUdeviceptr)(uintptr_t)dst;
	const unsigned char *pat = pattern;
	uint32_t word;

	if (!size)
		return;
	if (enter(c)) {
		if (uniform_bytes(pat, pattern_size) &&
		    c->cu->MemsetD8(p, pat[0], size) == CUDA_SUCCESS)
			return;
		if (pattern_size == 4 && !(p % 4) && !(size % 4)) {
			memcpy(&word, pat, 4);
			if (c->cu->MemsetD32(p, word, size / 4) == CUDA_SUCCESS)
				return;
		}
		if (c->cu->Memcpy(p, (CUdeviceptr)(uintptr_t)pat, pattern_size) == CUDA_SUCCESS) {
			size_t done = pattern_size;

			while (done < size) {
				size_t n = done < size - done ? done : size - done;

				if (c->cu->Memcpy(p + done, p, n) != CUDA_SUCCESS)
					break;
				done += n;
			}
			if (done >= size)
				return;
		}
	}
	for (size_t off = 0; off < size; off += pattern_size)
		memcpy((char *)dst + off, pat, pattern_size);
}

/* clEnqueueSVMMigrateMem: a prefetch of managed memory to the GPU or back;
 * a hint that never fails the command. */
static void cuda_migrate(cl_device_id dev, const void *ptr, size_t size, bool to_host)
{
	struct cuda_device *c = cuda_of(dev);
	CUmemLocation loc = {to_host ? CU_MEM_LOCATION_TYPE_HOST : CU_MEM_LOCATION_TYPE_DEVICE,
			     to_host ? 0 : c->cudev};
	CUresult r;

	if (!enter(c) || !size)
		return;
	r = c->cu->MemPrefetchAsync((CUdeviceptr)(uintptr_t)ptr, size, loc, 0, c->stream);
	if (r == CUDA_SUCCESS)
		r = c->cu->StreamSynchronize(c->stream);
	if (r != CUDA_SUCCESS && svmgpu_debug_enabled)
		svmgpu_log("svmgpu: cuda: prefetch of %zu bytes at %p declined: %s\n", size, ptr,
			   svmgpu_cuda_error(r));
}

#define CACHE_MAX_BYTES ((size_t)256 << 20)
#define CACHE_MAX_ONE ((size_t)64 << 20)

static CUdeviceptr cache_take(struct cuda_device *c, size_t len)
{
	CUdeviceptr raw = 0;

	pthread_mutex_lock(&c->cache_lock);
	for (unsigned i = 0; i < c->cache_n; i++) {
		if (c->cache[i].len != len)
			continue;
		raw = c->cache[i].raw;
		c->cache_bytes -= len;
		c->cache[i] = c->cache[--c->cache_n];
		break;
	}
	pthread_mutex_unlock(&c->cache_lock);
	return raw;
}

static bool cache_put(struct cuda_device *c, CUdeviceptr raw, size_t len)
{
	bool kept = false;

	pthread_mutex_lock(&c->cache_lock);
	if (len <= CACHE_MAX_ONE && c->cache_bytes + len <= CACHE_MAX_BYTES &&
	    c->cache_n < sizeof(c->cache) / sizeof(c->cache[0])) {
		c->cache[c->cache_n].raw = raw;
		c->cache[c->cache_n++].len = len;
		c->cache_bytes += len;
		kept = true;
	}
	pthread_mutex_unlock(&c->cache_lock);
	return kept;
}

/* Managed memory, over-allocated to honour any alignment: the allocation's
 * own address and length sit just below the pointer handed out. Fresh
 * managed memory is zero; a recycled allocation holds what it held (the
 * specification leaves new SVM and buffer contents undefined). */
static void *cuda_alloc_mem(cl_device_id dev, size_t size, size_t align)
{
	struct cuda_device *c = cuda_of(dev);
	const size_t hdr = 2 * sizeof(CUdeviceptr);
	CUdeviceptr raw;
	uintptr_t user;
	size_t len;

	if (align < hdr)
		align = hdr;
	if (!enter(c) || size > SIZE_MAX - align - hdr)
		return NULL;
	len = size + align + hdr;
	raw = cache_take(c, len);
	if (!raw && c->cu->MemAllocManaged(&raw, len, CU_MEM_ATTACH_GLOBAL) != CUDA_SUCCESS)
		return NULL;
	user = ((uintptr_t)raw + hdr + align - 1) & ~(uintptr_t)(align - 1);
	((CUdeviceptr *)user)[-2] = raw;
	((CUdeviceptr *)user)[-1] = len;
	return (void *)user;
}

static void cuda_free_mem(cl_device_id dev, void *p)
{
	struct cuda_device *c = cuda_of(dev);
	CUdeviceptr raw, len;

	if (!p || !enter(c))
		return;
	raw = ((CUdeviceptr *)p)[-2];
	len = ((CUdeviceptr *)p)[-1];
	if (!cache_put(c, raw, (size_t)len))
		c->cu->MemFree(raw);
}

/* Page-locks the application's memory and maps it for the GPU at its own
 * address (unified addressing, where the GPU can use host pointers for
 * registered memory). */
static bool cuda_register_host(cl_device_id dev, void *p, size_t size)
{
	struct cuda_device *c = cuda_of(dev);

	return enter(c) && attr(c, CU_DEVICE_ATTRIBUTE_CAN_USE_HOST_POINTER_FOR_REGISTERED_MEM, 0) &&
	       c->cu->MemHostRegister(p, size, CU_MEMHOSTREGISTER_PORTABLE |
						    CU_MEMHOSTREGISTER_DEVICEMAP) == CUDA_SUCCESS;
}

static void cuda_unregister_host(cl_device_id dev, void *p)
{
	struct cuda_device *c = cuda_of(dev);

	if (enter(c))
		c->cu->MemHostUnregister(p);
}

static cl_int cuda_launch(cl_device_id dev, struct svmgpu_module *module,
			  const struct svmgpu_kernel_meta *meta, const struct svmgpu_launch *l,
			  char *msg, size_t msg_size)
{
	if (!cuda_of(dev)->cu) {
		snprintf(msg, msg_size, "the offline cuda device runs no kernels");
		return CL_DEVICE_NOT_AVAILABLE;
	}
	return svmgpu_cuda_launch(dev, module, meta, l, msg, msg_size);
}

static const struct svmgpu_device_ops cuda_ops = {
	.name = "cuda",
	.copy = cuda_copy,
	.fill = cuda_fill,
	.migrate = cuda_migrate,
	.alloc_mem = cuda_alloc_mem,
	.free_mem = cuda_free_mem,
	.register_host = cuda_register_host,
	.unregister_host = cuda_unregister_host,
	.launch = cuda_launch,
};

/* The offline device has host memory only and no figures of its own. */
static const struct svmgpu_device_ops cuda_offline_ops = {
	.name = "cuda (offline)",
	.copy = cuda_copy,
	.fill = cuda_fill,
	.migrate = cuda_migrate,
	.launch = cuda_launch,
};

/* ---- description ---- */

static void fill_desc(struct cuda_device *c)
{
	struct svmgpu_device_desc *d = &c->desc;
	int threads = attr(c, CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK, 1024);

	svmgpu_names_joined(&svmgpu_khr_extensions, c->extensions, sizeof(c->extensions));
	if (!c->cu)
		snprintf(c->name, sizeof(c->name), "svmgpu cuda offline (%s)", c->dev.arch);
	d->name = c->name;
	d->vendor = "svmgpu (NVIDIA)";
	d->vendor_id = NVIDIA_VENDOR_ID;
	d->driver_version = c->driver;
	d->version = "OpenCL 3.0 svmgpu cuda";
	d->numeric_version = CL_MAKE_VERSION(3, 0, 0);
	d->profile = "FULL_PROFILE";
	d->opencl_c_version = "OpenCL C 1.2 svmgpu cuda";
	d->opencl_c_numeric_version = CL_MAKE_VERSION(1, 2, 0);
	d->opencl_c_all_versions = svmgpu_c_versions;
	d->opencl_c_features = SVMGPU_NV(cuda_c_features);
	d->extensions = c->extensions;
	d->extensions_with_version = svmgpu_khr_extensions;
	d->il_version = "";
	d->built_in_kernels = "";
	d->latest_conformance_version_passed = "v0000-01-01-00";

	d->available = c->cu ? CL_TRUE : CL_FALSE;
	d->compiler_available = svmgpu_compiler_available_for(SVMGPU_ISA_PTX) ? CL_TRUE : CL_FALSE;
	d->linker_available = d->compiler_available; /* clLinkProgram builds PTX too */

	d->max_compute_units = (cl_uint)attr(c, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, 1);
	d->max_clock_frequency = (cl_uint)attr(c, CU_DEVICE_ATTRIBUTE_CLOCK_RATE, 0) / 1000;
	d->max_work_item_dimensions = 3;
	d->max_work_item_sizes[0] = (size_t)attr(c, CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_X, 1024);
	d->max_work_item_sizes[1] = (size_t)attr(c, CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Y, 1024);
	d->max_work_item_sizes[2] = (size_t)attr(c, CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Z, 64);
	d->max_work_group_size = (size_t)threads;
	d->preferred_work_group_size_multiple = (size_t)attr(c, CU_DEVICE_ATTRIBUTE_WARP_SIZE, 32);
	/* A non-uniform edge runs as extra grids (cuda_launch.c). */
	d->non_uniform_work_group_support = CL_TRUE;
	d->execution_capabilities = CL_EXEC_KERNEL;
	for (int i = 0; i < SVMGPU_VEC_COUNT; i++)
		d->native_vector_width[i] = d->preferred_vector_width[i] = 1;
	d->native_vector_width[SVMGPU_VEC_HALF] = d->preferred_vector_width[SVMGPU_VEC_HALF] = 0;
	d->single_fp_config = CL_FP_DENORM | CL_FP_INF_NAN | CL_FP_ROUND_TO_NEAREST |
			      CL_FP_ROUND_TO_ZERO | CL_FP_ROUND_TO_INF | CL_FP_FMA;
	d->double_fp_config = d->single_fp_config;
	d->address_bits = 64;
	d->endian_little = CL_TRUE;
	d->max_parameter_size = 4096; /* CUDA's kernel parameter space */
	d->printf_buffer_size = 1024 * 1024; /* the driver's default printf FIFO */
	d->profiling_timer_resolution = 1000;

	d->error_correction_support = attr(c, CU_DEVICE_ATTRIBUTE_ECC_ENABLED, 0) ? CL_TRUE : CL_FALSE;
	d->host_unified_memory = CL_FALSE;
	d->min_data_type_align_size = 128;
	d->global_mem_cache_type = CL_READ_WRITE_CACHE;
	d->global_mem_cacheline_size = 128;
	d->global_mem_cache_size = (cl_ulong)attr(c, CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE, 0);
	d->max_constant_buffer_size = (cl_ulong)attr(c, CU_DEVICE_ATTRIBUTE_TOTAL_CONSTANT_MEMORY,
						     64 * 1024);
	d->max_constant_args = 8;
	d->local_mem_type = CL_LOCAL;
	d->local_mem_size = (cl_ulong)(c->shared_optin > c->shared_default ? c->shared_optin
									     : c->shared_default);
	d->max_global_variable_size = 0;
	d->global_variable_preferred_total_size = 0;
	d->atomic_memory_capabilities = CL_DEVICE_ATOMIC_ORDER_RELAXED |
					CL_DEVICE_ATOMIC_SCOPE_WORK_GROUP;
	d->atomic_fence_capabilities = CL_DEVICE_ATOMIC_ORDER_RELAXED |
				       CL_DEVICE_ATOMIC_ORDER_ACQ_REL |
				       CL_DEVICE_ATOMIC_SCOPE_WORK_GROUP;
	d->image_support = CL_FALSE;
	d->pipe_support = CL_FALSE;
	d->preferred_interop_user_sync = CL_TRUE;
}

static struct cuda_device *cuda_device_new(cl_platform_id platform)
{
	struct cuda_device *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	svmgpu_object_init(&c->dev.obj, SVMGPU_MAGIC_DEVICE);
	pthread_mutex_init(&c->lock, NULL);
	pthread_mutex_init(&c->cache_lock, NULL);
	c->dev.platform = platform;
	c->dev.desc = &c->desc;
	c->dev.type = CL_DEVICE_TYPE_GPU;
	c->dev.isa = SVMGPU_ISA_PTX;
	c->dev.mem_base_addr_align = 1024; /* bits */
	c->dev.queue_props = CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE | CL_QUEUE_PROFILING_ENABLE;
	return c;
}

/* SVMGPU_CUDA_OFFLINE=sm_XX. */
static cl_device_id offline_device(cl_platform_id platform, const char *arch)
{
	struct cuda_device *c = cuda_device_new(platform);

	if (!c)
		return NULL;
	snprintf(c->dev.arch, sizeof(c->dev.arch), "%s", arch);
	snprintf(c->driver, sizeof(c->driver), "%s offline", SVMGPU_VERSION);
	c->shared_default = c->shared_optin = 48 * 1024;
	c->dev.ops = &cuda_offline_ops;
	c->dev.global_mem_size = 1024 * MiB;
	c->dev.max_mem_alloc_size = 256 * MiB;
	/* What a GPU with concurrent managed access grants. */
	c->dev.svm_caps = CL_DEVICE_SVM_COARSE_GRAIN_BUFFER | CL_DEVICE_SVM_FINE_GRAIN_BUFFER;
	fill_desc(c);
	return &c->dev;
}

/* What the driver grants, as OpenCL SVM capabilities. */
static cl_device_svm_capabilities svm_caps(struct cuda_device *c)
{
	cl_device_svm_capabilities caps = 0;

	if (!attr(c, CU_DEVICE_ATTRIBUTE_UNIFIED_ADDRESSING, 0) ||
	    !attr(c, CU_DEVICE_ATTRIBUTE_MANAGED_MEMORY, 0))
		return 0;
	caps |= CL_DEVICE_SVM_COARSE_GRAIN_BUFFER;
	if (attr(c, CU_DEVICE_ATTRIBUTE_CONCURRENT_MANAGED_ACCESS, 0))
		caps |= CL_DEVICE_SVM_FINE_GRAIN_BUFFER;
	if (attr(c, CU_DEVICE_ATTRIBUTE_PAGEABLE_MEMORY_ACCESS, 0))
		caps |= CL_DEVICE_SVM_FINE_GRAIN_SYSTEM;
	if ((caps & CL_DEVICE_SVM_FINE_GRAIN_BUFFER) &&
	    attr(c, CU_DEVICE_ATTRIBUTE_HOST_NATIVE_ATOMIC_SUPPORTED, 0))
		caps |= CL_DEVICE_SVM_ATOMICS;
	return caps;
}

static cl_device_id gpu_device(cl_platform_id platform, const struct svmgpu_cuda_api *cu,
			       int ordinal)
{
	struct cuda_device *c = cuda_device_new(platform);
	char gpu[200] = "NVIDIA GPU";
	size_t total = 0;
	int drv = 0;

	if (!c)
		return NULL;
	c->cu = cu;
	if (cu->DeviceGet(&c->cudev, ordinal) != CUDA_SUCCESS ||
	    cu->DevicePrimaryCtxRetain(&c->ctx, c->cudev) != CUDA_SUCCESS || !enter(c) ||
	    cu->StreamCreate(&c->stream, CU_STREAM_NON_BLOCKING) != CUDA_SUCCESS) {
		free(c);
		return NULL;
	}
	cu->DeviceGetName(gpu, sizeof(gpu), c->cudev);
	cu->DeviceTotalMem(&total, c->cudev);
	cu->DriverGetVersion(&drv);
	snprintf(c->name, sizeof(c->name), "svmgpu cuda (%s)", gpu);
	snprintf(c->driver, sizeof(c->driver), "%s (CUDA %d.%d)", SVMGPU_VERSION, drv / 1000,
		 drv % 1000 / 10);
	snprintf(c->dev.arch, sizeof(c->dev.arch), "sm_%d%d",
		 attr(c, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, 0),
		 attr(c, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, 0));
	c->shared_default = attr(c, CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK, 48 * 1024);
	c->shared_optin = attr(c, CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN,
			       c->shared_default);
	c->dev.ops = &cuda_ops;
	c->dev.global_mem_size = total;
	c->dev.max_mem_alloc_size = total / 4 > 128 * MiB ? total / 4 : 128 * MiB;
	c->dev.svm_caps = svm_caps(c);
	fill_desc(c);
	return &c->dev;
}

cl_uint svmgpu_cuda_devices_create(cl_platform_id platform, cl_device_id *list, cl_uint max)
{
	const char *offline = getenv("SVMGPU_CUDA_OFFLINE"), *why = NULL;
	const struct svmgpu_cuda_api *cu;
	cl_uint n = 0;
	int count = 0;

	if (offline && !strncmp(offline, "sm_", 3)) {
		if (max && (list[n] = offline_device(platform, offline)))
			n++;
		return n;
	}
	if (getenv("SVMGPU_CUDA") && !strcmp(getenv("SVMGPU_CUDA"), "off"))
		return 0;
	cu = svmgpu_cuda_api(&why);
	if (!cu || cu->DeviceGetCount(&count) != CUDA_SUCCESS) {
		if (svmgpu_debug_enabled)
			svmgpu_log("svmgpu: no cuda device: %s\n", why && *why ? why : "no GPU");
		return 0;
	}
	for (int i = 0; i < count && n < max; i++)
		if ((list[n] = gpu_device(platform, cu, i)))
			n++;
	return n;
}
