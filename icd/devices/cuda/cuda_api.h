/* SPDX-License-Identifier: MIT */
/* The part of the CUDA driver API the cuda device uses, loaded from
 * libcuda.so.1 with dlopen at run time: svmgpu never needs CUDA to build.
 * Types and constants are the driver's ABI (cuda.h), declared here. */
#ifndef SVMGPU_CUDA_API_H
#define SVMGPU_CUDA_API_H

#include <stdbool.h>
#include <stddef.h>

typedef int CUresult;
typedef int CUdevice;
typedef struct CUctx_st *CUcontext;
typedef struct CUmod_st *CUmodule;
typedef struct CUfunc_st *CUfunction;
typedef struct CUstream_st *CUstream;
typedef unsigned long long CUdeviceptr;

typedef struct {
	int type; /* CU_MEM_LOCATION_TYPE_* */
	int id;
} CUmemLocation;

enum {
	CUDA_SUCCESS = 0,
	CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK = 1,
	CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_X = 2,
	CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Y = 3,
	CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Z = 4,
	CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK = 8,
	CU_DEVICE_ATTRIBUTE_TOTAL_CONSTANT_MEMORY = 9,
	CU_DEVICE_ATTRIBUTE_WARP_SIZE = 10,
	CU_DEVICE_ATTRIBUTE_CLOCK_RATE = 13,
	CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT = 16,
	CU_DEVICE_ATTRIBUTE_ECC_ENABLED = 32,
	CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE = 38,
	CU_DEVICE_ATTRIBUTE_UNIFIED_ADDRESSING = 41,
	CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75,
	CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76,
	CU_DEVICE_ATTRIBUTE_MANAGED_MEMORY = 83,
	CU_DEVICE_ATTRIBUTE_HOST_NATIVE_ATOMIC_SUPPORTED = 86,
	CU_DEVICE_ATTRIBUTE_PAGEABLE_MEMORY_ACCESS = 88,
	CU_DEVICE_ATTRIBUTE_CONCURRENT_MANAGED_ACCESS = 89,
	CU_DEVICE_ATTRIBUTE_CAN_USE_HOST_POINTER_FOR_REGISTERED_MEM = 91,
	CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN = 97,
	CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES = 1,
	CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES = 8,
	CU_MEM_ATTACH_GLOBAL = 1,
	CU_MEMHOSTREGISTER_PORTABLE = 1,
	CU_MEMHOSTREGISTER_DEVICEMAP = 2,
	CU_MEM_LOCATION_TYPE_DEVICE = 1,
	CU_MEM_LOCATION_TYPE_HOST = 2,
	CU_STREAM_NON_BLOCKING = 1,
	CU_JIT_ERROR_LOG_BUFFER = 5,
	CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES = 6,
};

struct svmgpu_cuda_api {
	CUresult (*Init)(unsigned flags);
	CUresult (*DriverGetVersion)(int *v);
	CUresult (*DeviceGetCount)(int *n);
	CUresult (*DeviceGet)(CUdevice *d, int ordinal);
	CUresult (*DeviceGetName)(char *name, int len, CUdevice d);
	CUresult (*DeviceGetAttribute)(int *v, int attr, CUdevice d);
	CUresult (*DeviceTotalMem)(size_t *bytes, CUdevice d);
	CUresult (*DevicePrimaryCtxRetain)(CUcontext *c, CUdevice d);
	CUresult (*CtxSetCurrent)(CUcontext c);
	CUresult (*StreamCreate)(CUstream *s, unsigned flags);
	CUresult (*StreamSynchronize)(CUstream s);
	CUresult (*MemAllocManaged)(CUdeviceptr *p, size_t size, unsigned flags);
	CUresult (*MemFree)(CUdeviceptr p);
	CUresult (*MemHostRegister)(void *p, size_t size, unsigned flags);
	CUresult (*MemHostUnregister)(void *p);
	CUresult (*Memcpy)(CUdeviceptr dst, CUdeviceptr src, size_t size);
	CUresult (*MemcpyHtoDAsync)(CUdeviceptr dst, const void *src, size_t size, CUstream s);
	CUresult (*MemsetD8)(CUdeviceptr p, unsigned char v, size_t n);
	CUresult (*MemsetD32)(CUdeviceptr p, unsigned v, size_t n);
	CUresult (*MemPrefetchAsync)(CUdeviceptr p, size_t size, CUmemLocation loc,
				     unsigned flags, CUstream s);
	CUresult (*ModuleLoadDataEx)(CUmodule *m, const void *image, unsigned n, int *options,
				     void **values);
	CUresult (*ModuleUnload)(CUmodule m);
	CUresult (*ModuleGetFunction)(CUfunction *f, CUmodule m, const char *name);
	CUresult (*ModuleGetGlobal)(CUdeviceptr *p, size_t *size, CUmodule m, const char *name);
	CUresult (*FuncGetAttribute)(int *v, int attr, CUfunction f);
	CUresult (*FuncSetAttribute)(CUfunction f, int attr, int v);
	CUresult (*LaunchKernel)(CUfunction f, unsigned gx, unsigned gy, unsigned gz, unsigned bx,
				 unsigned by, unsigned bz, unsigned shared, CUstream s,
				 void **params, void **extra);
	CUresult (*GetErrorString)(CUresult r, const char **s);
};

/* The driver's entry points, NULL when libcuda.so.1 is missing, too old or
 * cuInit fails (the reason in *why when why is not NULL). */
const struct svmgpu_cuda_api *svmgpu_cuda_api(const char **why);

/* "CUDA_ERROR_ILLEGAL_ADDRESS: an illegal memory access..." style text. */
const char *svmgpu_cuda_error(CUresult r);

#endif
