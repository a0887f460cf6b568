/* SPDX-License-Identifier: MIT */
/* A stand-in for the CUDA driver (libcuda.so.1) that lets the cuda device's
 * host side run where no GPU is: device figures from a table, managed
 * memory that is host memory, copies and fills done by the CPU, PTX modules
 * parsed for their entries, parameters and the geometry variable, and
 * launches recorded instead of run. Nothing here executes a kernel.
 *
 * Configuration (read by cuInit):
 *   MOCK_CUDA_ATTRS="id=value,..."  device attributes over the defaults
 *                                   (an H100's: concurrent managed access
 *                                   on, pageable access and host-native
 *                                   atomics off)
 *   MOCK_CUDA_FAIL="what=code,..."  calls that fail with a CUresult: alloc,
 *                                   module, launch, prefetch, register,
 *                                   copy, memset
 *
 * Tests find the record with dlopen("libcuda.so.1", RTLD_NOLOAD) and
 * dlsym("mock_cuda_record"). */
#ifndef SVMGPU_MOCK_CUDA_H
#define SVMGPU_MOCK_CUDA_H

#include <stdint.h>

#define MOCK_CUDA_GEOMETRY_BYTES 128
#define MOCK_CUDA_MAX_LAUNCHES 64
#define MOCK_CUDA_MAX_PARAMS 16

struct mock_cuda_launch {
	char entry[64];
	unsigned grid[3], block[3], shared;
	int dynamic_shared_limit; /* CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES set */
	unsigned num_params;
	uint64_t param[MOCK_CUDA_MAX_PARAMS]; /* the first 8 bytes of each */
	unsigned param_size[MOCK_CUDA_MAX_PARAMS];
	unsigned char geometry[MOCK_CUDA_GEOMETRY_BYTES]; /* __svmgpu_geom at launch */
};

struct mock_cuda_record {
	unsigned managed_allocs, managed_frees, managed_live;
	unsigned memcpys, memsets8, memsets32;
	unsigned prefetch_device, prefetch_host;
	uint64_t last_prefetch_ptr, last_prefetch_size;
	unsigned host_registers, host_unregisters;
	unsigned modules_loaded, modules_unloaded, geometry_writes;
	unsigned num_launches;
	struct mock_cuda_launch launch[MOCK_CUDA_MAX_LAUNCHES];
};

/* The record, and a way to clear it between checks. */
struct mock_cuda_record *mock_cuda_record(void);
void mock_cuda_reset(void);

#endif
