/* SPDX-License-Identifier: MIT */
#ifndef SVMGPU_PLATFORM_H
#define SVMGPU_PLATFORM_H

#include "object.h"

#define SVMGPU_MAX_DEVICES 8

struct _cl_platform_id {
	struct svmgpu_object obj;
	cl_uint num_devices;
	cl_device_id devices[SVMGPU_MAX_DEVICES]; /* [0] is the default device */
};

/* The one platform, created on first use (thread-safe). */
cl_platform_id svmgpu_platform(void);

/* NULL means "the default platform", as the ICD loader passes it. */
static inline bool svmgpu_platform_valid(cl_platform_id p)
{
	return !p || p == svmgpu_platform();
}

bool svmgpu_device_valid(cl_device_id d);

#endif
