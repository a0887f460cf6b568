// SPDX-License-Identifier: MIT
/* What every device of the platform reports alike. */
#include "device_desc.h"

#include <stdio.h>

/* Extensions whose built-ins every device's library implements (the CPU
 * device's own, libclc and svmgpu's PTX built-ins on the cuda device). */
static const cl_name_version khr_extensions[] = {
	{CL_MAKE_VERSION(1, 0, 0), "cl_khr_byte_addressable_store"},
	{CL_MAKE_VERSION(1, 0, 0), "cl_khr_global_int32_base_atomics"},
	{CL_MAKE_VERSION(1, 0, 0), "cl_khr_global_int32_extended_atomics"},
	{CL_MAKE_VERSION(1, 0, 0), "cl_khr_local_int32_base_atomics"},
	{CL_MAKE_VERSION(1, 0, 0), "cl_khr_local_int32_extended_atomics"},
	{CL_MAKE_VERSION(1, 0, 0), "cl_khr_int64_base_atomics"},
	{CL_MAKE_VERSION(1, 0, 0), "cl_khr_int64_extended_atomics"},
	{CL_MAKE_VERSION(1, 0, 0), "cl_khr_fp64"},
	{CL_MAKE_VERSION(1, 0, 0), "cl_khr_extended_versioning"},
};

/* OpenCL C 1.2 and 3.0 (its optional features per device). */
static const cl_name_version c_versions[] = {
	{CL_MAKE_VERSION(1, 0, 0), "OpenCL C"},
	{CL_MAKE_VERSION(1, 1, 0), "OpenCL C"},
	{CL_MAKE_VERSION(1, 2, 0), "OpenCL C"},
	{CL_MAKE_VERSION(3, 0, 0), "OpenCL C"},
};

const struct svmgpu_name_versions svmgpu_khr_extensions = SVMGPU_NV(khr_extensions);
const struct svmgpu_name_versions svmgpu_c_versions = SVMGPU_NV(c_versions);

void svmgpu_names_joined(const struct svmgpu_name_versions *nv, char *buf, size_t size)
{
	size_t pos = 0;

	buf[0] = 0;
	for (size_t i = 0; i < nv->n && pos < size; i++)
		pos += (size_t)snprintf(buf + pos, size - pos, "%s%s", i ? " " : "", nv->v[i].name);
}
