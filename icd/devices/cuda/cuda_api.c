// SPDX-License-Identifier: MIT
/* libcuda.so.1 through dlopen: each entry point by its versioned name, as
 * the driver exports it (the _v2 names are the current ABI). */
#include "cuda_api.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

static pthread_once_t once = PTHREAD_ONCE_INIT;
static struct svmgpu_cuda_api api;
static const struct svmgpu_cuda_api *loaded;
static char why_not[256];

struct entry {
	void **slot;
	const char *name;
};

static void load(void)
{
	const struct entry entries[] = {
		{(void **)&api.Init, "cuInit"},
		{(void **)&api.DriverGetVersion, "cuDriverGetVersion"},
		{(void **)&api.DeviceGetCount, "cuDeviceGetCount"},
		{(void **)&api.DeviceGet, "cuDeviceGet"},
		{(void **)&api.DeviceGetName, "cuDeviceGetName"},
		{(void **)&api.DeviceGetAttribute, "cuDeviceGetAttribute"},
		{(void **)&api.DeviceTotalMem, "cuDeviceTotalMem_v2"},
		{(void **)&api.DevicePrimaryCtxRetain, "cuDevicePrimaryCtxRetain"},
		{(void **)&api.CtxSetCurrent, "cuCtxSetCurrent"},
		{(void **)&api.StreamCreate, "cuStreamCreate"},
		{(void **)&api.StreamSynchronize, "cuStreamSynchronize"},
		{(void **)&api.MemAllocManaged, "cuMemAllocManaged"},
		{(void **)&api.MemFree, "cuMemFree_v2"},
		{(void **)&api.MemHostRegister, "cuMemHostRegister_v2"},
		{(void **)&api.MemHostUnregister, "cuMemHostUnregister"},
		{(void **)&api.Memcpy, "cuMemcpy"},
		{(void **)&api.MemcpyHtoDAsync, "cuMemcpyHtoDAsync_v2"},
		{(void **)&api.MemsetD8, "cuMemsetD8_v2"},
		{(void **)&api.MemsetD32, "cuMemsetD32_v2"},
		{(void **)&api.MemPrefetchAsync, "cuMemPrefetchAsync_v2"},
		{(void **)&api.ModuleLoadDataEx, "cuModuleLoadDataEx"},
		{(void **)&api.ModuleUnload, "cuModuleUnload"},
		{(void **)&api.ModuleGetFunction, "cuModuleGetFunction"},
		{(void **)&api.ModuleGetGlobal, "cuModuleGetGlobal_v2"},
		{(void **)&api.FuncGetAttribute, "cuFuncGetAttribute"},
		{(void **)&api.FuncSetAttribute, "cuFuncSetAttribute"},
		{(void **)&api.LaunchKernel, "cuLaunchKernel"},
		{(void **)&api.GetErrorString, "cuGetErrorString"},
	};
	void *h = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
	CUresult r;

	if (!h) {
		snprintf(why_not, sizeof(why_not), "libcuda.so.1 not found");
		return;
	}
	for (size_t i = 0; i < sizeof(entries) / sizeof(entries[0]); i++) {
		*entries[i].slot = dlsym(h, entries[i].name);
		if (!*entries[i].slot) {
			snprintf(why_not, sizeof(why_not), "libcuda.so.1 lacks %s (driver too old)",
				 entries[i].name);
			dlclose(h);
			return;
		}
	}
	r = api.Init(0);
	if (r != CUDA_SUCCESS) {
		snprintf(why_not, sizeof(why_not), "cuInit failed: %s", svmgpu_cuda_error(r));
		dlclose(h);
		return;
	}
	loaded = &api; /* the driver stays loaded for the process's lifetime */
}

const struct svmgpu_cuda_api *svmgpu_cuda_api(const char **why)
{
	pthread_once(&once, load);
	if (why)
		*why = why_not;
	return loaded;
}

const char *svmgpu_cuda_error(CUresult r)
{
	const char *s = NULL;

	if (api.GetErrorString && api.GetErrorString(r, &s) == CUDA_SUCCESS && s)
		return s;
	return "unknown CUDA error";
}
