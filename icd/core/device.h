/* SPDX-License-Identifier: MIT */
/* Devices of the svmgpu platform. Every device is described by a static
 * table of values (struct svmgpu_device_desc, answered by clGetDeviceInfo)
 * and a small table of operations that commands call to touch its memory. */
#ifndef SVMGPU_DEVICE_H
#define SVMGPU_DEVICE_H

#include "compiler.h"
#include "object.h"

struct svmgpu_device_desc; /* devices/<name>/: every clGetDeviceInfo value */
struct svmgpu_launch;      /* devices/cpu/executor.h */

/* What commands ask of a device. For the CPU device all memory is host
 * memory, so these are the C library's; other devices (sgpu, cuda) route them
 * to their engines. */
struct svmgpu_device_ops {
	const char *name;
	void (*copy)(cl_device_id dev, void *dst, const void *src, size_t size);
	void (*fill)(cl_device_id dev, void *dst, const void *pattern,
		     size_t pattern_size, size_t size);
	/* Residency hint for clEnqueueSVMMigrateMem; to_host when
	 * CL_MIGRATE_MEM_OBJECT_HOST was given. Never fails the command. */
	void (*migrate)(cl_device_id dev, const void *ptr, size_t size, bool to_host);
	/* Storage for buffers and SVM allocations of contexts holding this
	 * device, where host memory would not do (cuda: managed memory); NULL
	 * when the device reaches all host memory. Zeroed, aligned to align (a
	 * power of two); free_mem takes what alloc_mem returned. */
	void *(*alloc_mem)(cl_device_id dev, size_t size, size_t align);
	void (*free_mem)(cl_device_id dev, void *p);
	/* Makes application memory (CL_MEM_USE_HOST_PTR) reachable at its own
	 * address, where alloc_mem is set; false when the device cannot.
	 * unregister_host undoes it. Both NULL where nothing is needed. */
	bool (*register_host)(cl_device_id dev, void *p, size_t size);
	void (*unregister_host)(cl_device_id dev, void *p);
	/* Runs an NDRange of the kernel `meta` of the device's module (its ISA's,
	 * exe->by_isa[dev->isa]); NULL for the CPU device, whose executor runs
	 * host code (devices/cpu/executor.h). Errors as svmgpu_cpu_execute. */
	cl_int (*launch)(cl_device_id dev, struct svmgpu_module *module,
			 const struct svmgpu_kernel_meta *meta, const struct svmgpu_launch *l,
			 char *msg, size_t msg_size);
};

struct _cl_device_id {
	struct svmgpu_object obj;
	cl_platform_id platform;
	const struct svmgpu_device_ops *ops;
	const struct svmgpu_device_desc *desc;
	/* The values the runtime itself checks against. */
	cl_device_type type;
	cl_ulong max_mem_alloc_size;
	cl_ulong global_mem_size;
	cl_uint mem_base_addr_align; /* bits, as CL_DEVICE_MEM_BASE_ADDR_ALIGN */
	cl_device_svm_capabilities svm_caps;
	cl_command_queue_properties queue_props; /* CL_DEVICE_QUEUE_ON_HOST_PROPERTIES */
	enum svmgpu_isa isa; /* the code its kernels run */
	char arch[16];       /* PTX: "sm_90" */
	void *priv;
};

/* devices/cpu: the soft GPU, always present. */
cl_device_id svmgpu_cpu_device_create(cl_platform_id platform);

#endif
