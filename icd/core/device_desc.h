/* SPDX-License-Identifier: MIT */
/* Every clGetDeviceInfo value that struct _cl_device_id does not hold itself.
 * A device backend (devices/<name>/) fills one at creation and never changes
 * it afterwards, so clGetDeviceInfo reads it without a lock. Strings and
 * arrays belong to the backend and live as long as the device. */
#ifndef SVMGPU_DEVICE_DESC_H
#define SVMGPU_DEVICE_DESC_H

#include "cl_base.h"
#include <stddef.h>

/* Indices of the preferred/native vector width arrays. */
enum svmgpu_vec_type {
	SVMGPU_VEC_CHAR,
	SVMGPU_VEC_SHORT,
	SVMGPU_VEC_INT,
	SVMGPU_VEC_LONG,
	SVMGPU_VEC_FLOAT,
	SVMGPU_VEC_DOUBLE,
	SVMGPU_VEC_HALF,
	SVMGPU_VEC_COUNT,
};

/* A list of named versions (extensions, OpenCL C versions and features, ILs,
 * built-in kernels). */
struct svmgpu_name_versions {
	const cl_name_version *v;
	size_t n;
};

/* The name-versions of a static array. */
#define SVMGPU_NV(a) ((struct svmgpu_name_versions){(a), sizeof(a) / sizeof((a)[0])})

/* core/device_desc.c: what every device reports alike. */
extern const struct svmgpu_name_versions svmgpu_khr_extensions;
extern const struct svmgpu_name_versions svmgpu_c_versions;
/* The names, space separated (CL_DEVICE_EXTENSIONS), into buf. */
void svmgpu_names_joined(const struct svmgpu_name_versions *nv, char *buf, size_t size);

struct svmgpu_device_desc {
	/* Identity. */
	const char *name;
	const char *vendor;
	cl_uint vendor_id;
	const char *driver_version;
	const char *version;          /* "OpenCL 3.0 ..." */
	cl_version numeric_version;
	const char *profile;
	const char *opencl_c_version; /* "OpenCL C 1.2 ..." */
	cl_version opencl_c_numeric_version;
	struct svmgpu_name_versions opencl_c_all_versions;
	struct svmgpu_name_versions opencl_c_features;
	const char *extensions;       /* space separated, the names of extensions_with_version */
	struct svmgpu_name_versions extensions_with_version;
	const char *il_version;       /* "" when no IL is accepted */
	struct svmgpu_name_versions ils_with_version;
	const char *built_in_kernels; /* semicolon separated */
	struct svmgpu_name_versions built_in_kernels_with_version;
	const char *latest_conformance_version_passed;

	/* Availability. */
	cl_bool available;
	cl_bool compiler_available;
	cl_bool linker_available;

	/* Execution. */
	cl_uint max_compute_units;
	cl_uint max_clock_frequency; /* MHz, 0 when unknown */
	cl_uint max_work_item_dimensions;
	size_t max_work_item_sizes[3];
	size_t max_work_group_size;
	size_t preferred_work_group_size_multiple;
	cl_uint max_num_sub_groups;
	cl_bool sub_group_independent_forward_progress;
	cl_bool non_uniform_work_group_support;
	cl_bool work_group_collective_functions_support;
	cl_bool generic_address_space_support;
	cl_device_exec_capabilities execution_capabilities;
	cl_uint preferred_vector_width[SVMGPU_VEC_COUNT];
	cl_uint native_vector_width[SVMGPU_VEC_COUNT];
	cl_device_fp_config half_fp_config;
	cl_device_fp_config single_fp_config;
	cl_device_fp_config double_fp_config;
	cl_uint address_bits;
	cl_bool endian_little;
	size_t max_parameter_size;
	size_t printf_buffer_size;
	size_t profiling_timer_resolution; /* ns */

	/* Memory. */
	cl_bool error_correction_support;
	cl_bool host_unified_memory;
	cl_uint min_data_type_align_size;
	cl_device_mem_cache_type global_mem_cache_type;
	cl_uint global_mem_cacheline_size;
	cl_ulong global_mem_cache_size;
	cl_ulong max_constant_buffer_size;
	cl_uint max_constant_args;
	cl_device_local_mem_type local_mem_type;
	cl_ulong local_mem_size;
	size_t max_global_variable_size;
	size_t global_variable_preferred_total_size;
	cl_uint preferred_platform_atomic_alignment;
	cl_uint preferred_global_atomic_alignment;
	cl_uint preferred_local_atomic_alignment;
	cl_device_atomic_capabilities atomic_memory_capabilities;
	cl_device_atomic_capabilities atomic_fence_capabilities;

	/* Images and samplers (all zero when image_support is CL_FALSE). */
	cl_bool image_support;
	cl_uint max_read_image_args;
	cl_uint max_write_image_args;
	cl_uint max_read_write_image_args;
	cl_uint max_samplers;
	size_t image2d_max_width, image2d_max_height;
	size_t image3d_max_width, image3d_max_height, image3d_max_depth;
	size_t image_max_buffer_size;
	size_t image_max_array_size;
	cl_uint image_pitch_alignment;
	cl_uint image_base_address_alignment;

	/* Pipes. */
	cl_bool pipe_support;
	cl_uint max_pipe_args;
	cl_uint pipe_max_active_reservations;
	cl_uint pipe_max_packet_size;

	/* On-device queues. */
	cl_device_device_enqueue_capabilities device_enqueue_capabilities;
	cl_command_queue_properties queue_on_device_properties;
	cl_uint queue_on_device_preferred_size;
	cl_uint queue_on_device_max_size;
	cl_uint max_on_device_queues;
	cl_uint max_on_device_events;

	/* Partitioning: 0 sub-devices means none (no partition types either). */
	cl_uint partition_max_sub_devices;

	cl_bool preferred_interop_user_sync;
};

#endif
