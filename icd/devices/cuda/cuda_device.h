/* SPDX-License-Identifier: MIT */
/* The cuda device: OpenCL C on NVIDIA GPUs through the CUDA driver
 * (libcuda.so.1, loaded at run time). Kernels are PTX (compiler/), buffers
 * and SVM allocations of contexts with a cuda device are CUDA managed memory
 * (same address on host and GPU), offered as fine-grain buffer SVM where the
 * GPU reports concurrent managed access. Fine-grain system SVM only where
 * the driver reports pageable memory access (HMM), SVM atomics only where
 * host-native atomics are reported.
 *
 * SVMGPU_CUDA_OFFLINE=sm_XX adds a device that compiles for that
 * architecture and runs nothing (CL_DEVICE_AVAILABLE false), for machines
 * without a GPU: PTX tests, and filling a program cache for a GPU machine
 * that has no compiler. */
#ifndef SVMGPU_CUDA_DEVICE_H
#define SVMGPU_CUDA_DEVICE_H

#include "device.h"

/* Creates the cuda devices (at most max) into list; returns how many. */
cl_uint svmgpu_cuda_devices_create(cl_platform_id platform, cl_device_id *list, cl_uint max);

#endif
