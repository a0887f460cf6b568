/* SPDX-License-Identifier: MIT */
/* Shared by the cuda device's files. */
#ifndef SVMGPU_CUDA_INTERNAL_H
#define SVMGPU_CUDA_INTERNAL_H

#include "cuda_api.h"
#include "device.h"
#include "device_desc.h"
#include "executor.h"

#include <pthread.h>

struct cuda_device {
	struct _cl_device_id dev;
	struct svmgpu_device_desc desc;
	const struct svmgpu_cuda_api *cu; /* NULL for an offline device */
	CUdevice cudev;
	CUcontext ctx;     /* the device's primary context */
	CUstream stream;   /* every command of the device, in order */
	pthread_mutex_t lock; /* one launch at a time: they share __svmgpu_geom */
	int shared_default, shared_optin; /* bytes of shared memory per block */
	/* Freed managed allocations kept for the next of the same length:
	 * cuMemAllocManaged + cuMemFree cost tens of microseconds and
	 * applications allocate the same sizes over and over. */
	pthread_mutex_t cache_lock;
	struct {
		CUdeviceptr raw;
		size_t len;
	} cache[16];
	unsigned cache_n;
	size_t cache_bytes;
	char name[256];
	char driver[64];
	char extensions[512]; /* the names of cuda_extensions, space separated */
};

static inline struct cuda_device *cuda_of(cl_device_id d)
{
	return (struct cuda_device *)d;
}

/* devices/cuda/cuda_launch.c: runs an NDRange of a PTX module's kernel. */
cl_int svmgpu_cuda_launch(cl_device_id dev, struct svmgpu_module *ptx,
			  const struct svmgpu_kernel_meta *meta, const struct svmgpu_launch *l,
			  char *msg, size_t msg_size);

#endif
