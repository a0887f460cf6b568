/* SPDX-License-Identifier: MIT */
/* The OpenCL headers as svmgpu uses them: 3.0 target, every deprecated entry
 * point declared (the ICD must still implement them), the ICD dispatch table. */
#ifndef SVMGPU_CL_BASE_H
#define SVMGPU_CL_BASE_H

#ifndef CL_TARGET_OPENCL_VERSION
#define CL_TARGET_OPENCL_VERSION 300
#endif
#define CL_USE_DEPRECATED_OPENCL_1_0_APIS
#define CL_USE_DEPRECATED_OPENCL_1_1_APIS
#define CL_USE_DEPRECATED_OPENCL_1_2_APIS
#define CL_USE_DEPRECATED_OPENCL_2_0_APIS
#define CL_USE_DEPRECATED_OPENCL_2_1_APIS
#define CL_USE_DEPRECATED_OPENCL_2_2_APIS
#include <CL/cl.h>
#include <CL/cl_ext.h>
#include <CL/cl_icd.h>

/* Entry points are hidden by the version script; this marks them in the source. */
#define SVMGPU_API CL_API_ENTRY

#endif
