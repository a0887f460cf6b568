// SPDX-License-Identifier: MIT
/* The svmgpu platform: one per process, created on first use, never freed
 * (the loader may call into it until the process exits). */
#include "device.h"
#include "devices/cuda/cuda_device.h"
#include "devices/sgpu/sgpu_device.h"
#include "info.h"
#include "log.h"
#include "platform.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The loader finds these four by name (icd/svmgpu.map); everything else is
 * hidden and reached through the dispatch table. Protected, not default:
 * the loader exports the same names, and the dispatch table must point at
 * ours, not be interposed with the loader's (which would call back here
 * forever). */
#define SVMGPU_EXPORT SVMGPU_API __attribute__((visibility("protected")))

#ifndef SVMGPU_VERSION
#define SVMGPU_VERSION "0.1.0"
#endif

static const cl_name_version platform_exts[] = {
	{CL_MAKE_VERSION(1, 0, 0), "cl_khr_icd"},
	{CL_MAKE_VERSION(1, 0, 0), "cl_khr_extended_versioning"},
};
#define PLATFORM_EXTENSIONS "cl_khr_icd cl_khr_extended_versioning"

static struct _cl_platform_id platform;
static pthread_once_t platform_once = PTHREAD_ONCE_INIT;

static void platform_init(void)
{
	cl_device_id cpu;
	const char *def = getenv("SVMGPU_DEFAULT_DEVICE");

	svmgpu_log_init();
	svmgpu_object_init(&platform.obj, SVMGPU_MAGIC_PLATFORM);
	cpu = svmgpu_cpu_device_create(&platform);
	if (cpu)
		platform.devices[platform.num_devices++] = cpu;
	else if (svmgpu_debug_enabled)
		svmgpu_log("svmgpu: the cpu device could not be created\n");
	platform.num_devices += svmgpu_sgpu_devices_create(
		&platform, platform.devices + platform.num_devices,
		SVMGPU_MAX_DEVICES - platform.num_devices);
	platform.num_devices += svmgpu_cuda_devices_create(
		&platform, platform.devices + platform.num_devices,
		SVMGPU_MAX_DEVICES - platform.num_devices);
	/* SVMGPU_DEFAULT_DEVICE=cuda: the first device whose operations bear
	 * that name becomes CL_DEVICE_TYPE_DEFAULT's answer. */
	for (cl_uint i = 1; def && *def && i < platform.num_devices; i++) {
		cl_device_id d = platform.devices[i];

		if (!strncmp(d->ops->name, def, strlen(def))) {
			memmove(platform.devices + 1, platform.devices, i * sizeof(d));
			platform.devices[0] = d;
			break;
		}
	}
}

cl_platform_id svmgpu_platform(void)
{
	pthread_once(&platform_once, platform_init);
	return &platform;
}

/* By address only: a stale or random handle is never dereferenced. */
bool svmgpu_device_valid(cl_device_id d)
{
	cl_platform_id p = svmgpu_platform();

	if (!d)
		return false;
	for (cl_uint i = 0; i < p->num_devices; i++)
		if (p->devices[i] == d)
			return true;
	return false;
}

static cl_int get_platform_ids(cl_uint num_entries, cl_platform_id *platforms,
			       cl_uint *num_platforms)
{
	if ((num_entries == 0 && platforms) || (!platforms && !num_platforms))
		return SVMGPU_ERR(CL_INVALID_VALUE, "num_entries %u, platforms %p, "
				  "num_platforms %p", num_entries, (void *)platforms,
				  (void *)num_platforms);
	if (platforms)
		platforms[0] = svmgpu_platform();
	if (num_platforms)
		*num_platforms = 1;
	return CL_SUCCESS;
}

SVMGPU_EXPORT cl_int CL_API_CALL clIcdGetPlatformIDsKHR(cl_uint num_entries,
						    cl_platform_id *platforms,
						    cl_uint *num_platforms)
{
	return get_platform_ids(num_entries, platforms, num_platforms);
}

SVMGPU_API cl_int CL_API_CALL clGetPlatformIDs(cl_uint num_entries, cl_platform_id *platforms,
					       cl_uint *num_platforms)
{
	return get_platform_ids(num_entries, platforms, num_platforms);
}

static cl_ulong host_timer_resolution(void)
{
	struct timespec ts;

	/* svmgpu_now_ns() reads CLOCK_MONOTONIC. */
	if (clock_getres(CLOCK_MONOTONIC, &ts) != 0)
		return 1;
	return (cl_ulong)ts.tv_sec * 1000000000u + (cl_ulong)ts.tv_nsec;
}

SVMGPU_EXPORT cl_int CL_API_CALL clGetPlatformInfo(cl_platform_id p, cl_platform_info param_name,
						size_t param_value_size, void *param_value,
						size_t *param_value_size_ret)
{
	if (!svmgpu_platform_valid(p))
		return SVMGPU_ERR(CL_INVALID_PLATFORM, "%p is not the svmgpu platform", (void *)p);

	switch (param_name) {
	case CL_PLATFORM_PROFILE:
		return svmgpu_info_str(param_value_size, param_value, param_value_size_ret,
				       "FULL_PROFILE");
	case CL_PLATFORM_VERSION:
		return svmgpu_info_str(param_value_size, param_value, param_value_size_ret,
				       "OpenCL 3.0 svmgpu " SVMGPU_VERSION);
	case CL_PLATFORM_NAME:
	case CL_PLATFORM_VENDOR:
		return svmgpu_info_str(param_value_size, param_value, param_value_size_ret,
				       "svmgpu");
	case CL_PLATFORM_EXTENSIONS:
		return svmgpu_info_str(param_value_size, param_value, param_value_size_ret,
				       PLATFORM_EXTENSIONS);
	case CL_PLATFORM_EXTENSIONS_WITH_VERSION:
		return svmgpu_info(param_value_size, param_value, param_value_size_ret,
				   platform_exts, sizeof(platform_exts));
	case CL_PLATFORM_NUMERIC_VERSION:
		SVMGPU_INFO_VAL(cl_version, CL_MAKE_VERSION(3, 0, 0));
	case CL_PLATFORM_HOST_TIMER_RESOLUTION:
		SVMGPU_INFO_VAL(cl_ulong, host_timer_resolution());
	case CL_PLATFORM_ICD_SUFFIX_KHR:
		return svmgpu_info_str(param_value_size, param_value, param_value_size_ret,
				       "svmgpu");
	default:
		return SVMGPU_ERR(CL_INVALID_VALUE, "unknown param_name 0x%x", param_name);
	}
}

/* The only extension function svmgpu has is the ICD's own. */
static void *extension_function(const char *name)
{
	if (name && strcmp(name, "clIcdGetPlatformIDsKHR") == 0)
		return (void *)clIcdGetPlatformIDsKHR;
	return NULL;
}

SVMGPU_EXPORT void *CL_API_CALL clGetExtensionFunctionAddress(const char *func_name)
{
	return extension_function(func_name);
}

SVMGPU_EXPORT void *CL_API_CALL clGetExtensionFunctionAddressForPlatform(cl_platform_id p,
								       const char *func_name)
{
	if (!svmgpu_platform_valid(p))
		return NULL;
	return extension_function(func_name);
}

SVMGPU_API cl_int CL_API_CALL clUnloadCompiler(void)
{
	return CL_SUCCESS;
}

SVMGPU_API cl_int CL_API_CALL clUnloadPlatformCompiler(cl_platform_id p)
{
	if (!p || !svmgpu_platform_valid(p))
		return SVMGPU_ERR(CL_INVALID_PLATFORM, "%p is not the svmgpu platform", (void *)p);
	return CL_SUCCESS;
}
