// SPDX-License-Identifier: MIT
/* Device enumeration and every clGetDeviceInfo query of OpenCL 3.0 (plus the
 * extension queries the reported extensions add). Values come from the
 * device's descriptor, filled by its backend. */
#include "device.h"
#include "device_desc.h"
#include "info.h"
#include "log.h"
#include "platform.h"
#include "scheduler.h"

#define VALID_DEVICE_TYPES                                                              \
	(CL_DEVICE_TYPE_DEFAULT | CL_DEVICE_TYPE_CPU | CL_DEVICE_TYPE_GPU |             \
	 CL_DEVICE_TYPE_ACCELERATOR | CL_DEVICE_TYPE_CUSTOM)

/* Whether the device with index i matches a clGetDeviceIDs device_type. The
 * default device is the platform's first; CL_DEVICE_TYPE_ALL lists custom
 * devices too (OpenCL 3.0.17 clarification). */
static bool device_matches(cl_platform_id p, cl_uint i, cl_device_type type)
{
	if (type == CL_DEVICE_TYPE_ALL)
		return true;
	if ((type & CL_DEVICE_TYPE_DEFAULT) && i == 0)
		return true;
	return (p->devices[i]->type & type) != 0;
}

SVMGPU_API cl_int CL_API_CALL clGetDeviceIDs(cl_platform_id platform, cl_device_type device_type,
					     cl_uint num_entries, cl_device_id *devices,
					     cl_uint *num_devices)
{
	cl_platform_id p = svmgpu_platform();
	cl_uint n = 0;

	if (!svmgpu_platform_valid(platform))
		return SVMGPU_ERR(CL_INVALID_PLATFORM, "%p is not the svmgpu platform",
				  (void *)platform);
	if (device_type != CL_DEVICE_TYPE_ALL &&
	    (device_type == 0 || (device_type & ~(cl_device_type)VALID_DEVICE_TYPES)))
		return SVMGPU_ERR(CL_INVALID_DEVICE_TYPE, "device_type 0x%llx",
				  (unsigned long long)device_type);
	if ((num_entries == 0 && devices) || (!devices && !num_devices))
		return SVMGPU_ERR(CL_INVALID_VALUE, "num_entries %u, devices %p, num_devices %p",
				  num_entries, (void *)devices, (void *)num_devices);

	for (cl_uint i = 0; i < p->num_devices; i++) {
		if (!device_matches(p, i, device_type))
			continue;
		if (devices && n < num_entries)
			devices[n] = p->devices[i];
		n++;
	}
	if (n == 0)
		return SVMGPU_ERR(CL_DEVICE_NOT_FOUND, "no device of type 0x%llx",
				  (unsigned long long)device_type);
	if (num_devices)
		*num_devices = n;
	return CL_SUCCESS;
}

#define INFO_STR(s) return svmgpu_info_str(param_value_size, param_value, param_value_size_ret, (s))
#define INFO_NV(l)                                                                       \
	return svmgpu_info(param_value_size, param_value, param_value_size_ret, (l).v,   \
			   (l).n * sizeof(cl_name_version))

SVMGPU_API cl_int CL_API_CALL clGetDeviceInfo(cl_device_id dev, cl_device_info param_name,
					      size_t param_value_size, void *param_value,
					      size_t *param_value_size_ret)
{
	const struct svmgpu_device_desc *d;

	if (!svmgpu_device_valid(dev))
		return SVMGPU_ERR(CL_INVALID_DEVICE, "%p is not a device", (void *)dev);
	d = dev->desc;

	switch (param_name) {
	/* Identity. */
	case CL_DEVICE_TYPE:
		SVMGPU_INFO_VAL(cl_device_type, dev->type);
	case CL_DEVICE_VENDOR_ID:
		SVMGPU_INFO_VAL(cl_uint, d->vendor_id);
	case CL_DEVICE_NAME:
		INFO_STR(d->name);
	case CL_DEVICE_VENDOR:
		INFO_STR(d->vendor);
	case CL_DRIVER_VERSION:
		INFO_STR(d->driver_version);
	case CL_DEVICE_PROFILE:
		INFO_STR(d->profile);
	case CL_DEVICE_VERSION:
		INFO_STR(d->version);
	case CL_DEVICE_NUMERIC_VERSION:
		SVMGPU_INFO_VAL(cl_version, d->numeric_version);
	case CL_DEVICE_OPENCL_C_VERSION:
		INFO_STR(d->opencl_c_version);
	case CL_DEVICE_OPENCL_C_NUMERIC_VERSION_KHR:
		SVMGPU_INFO_VAL(cl_version, d->opencl_c_numeric_version);
	case CL_DEVICE_OPENCL_C_ALL_VERSIONS:
		INFO_NV(d->opencl_c_all_versions);
	case CL_DEVICE_OPENCL_C_FEATURES:
		INFO_NV(d->opencl_c_features);
	case CL_DEVICE_EXTENSIONS:
		INFO_STR(d->extensions);
	case CL_DEVICE_EXTENSIONS_WITH_VERSION:
		INFO_NV(d->extensions_with_version);
	case CL_DEVICE_IL_VERSION:
		INFO_STR(d->il_version);
	case CL_DEVICE_ILS_WITH_VERSION:
		INFO_NV(d->ils_with_version);
	case CL_DEVICE_BUILT_IN_KERNELS:
		INFO_STR(d->built_in_kernels);
	case CL_DEVICE_BUILT_IN_KERNELS_WITH_VERSION:
		INFO_NV(d->built_in_kernels_with_version);
	case CL_DEVICE_LATEST_CONFORMANCE_VERSION_PASSED:
		INFO_STR(d->latest_conformance_version_passed);
	case CL_DEVICE_PLATFORM:
		SVMGPU_INFO_VAL(cl_platform_id, dev->platform);

	/* Availability. */
	case CL_DEVICE_AVAILABLE:
		SVMGPU_INFO_VAL(cl_bool, d->available);
	case CL_DEVICE_COMPILER_AVAILABLE:
		SVMGPU_INFO_VAL(cl_bool, d->compiler_available);
	case CL_DEVICE_LINKER_AVAILABLE:
		SVMGPU_INFO_VAL(cl_bool, d->linker_available);

	/* Execution. */
	case CL_DEVICE_MAX_COMPUTE_UNITS:
		SVMGPU_INFO_VAL(cl_uint, d->max_compute_units);
	case CL_DEVICE_MAX_CLOCK_FREQUENCY:
		SVMGPU_INFO_VAL(cl_uint, d->max_clock_frequency);
	case CL_DEVICE_MAX_WORK_ITEM_DIMENSIONS:
		SVMGPU_INFO_VAL(cl_uint, d->max_work_item_dimensions);
	case CL_DEVICE_MAX_WORK_ITEM_SIZES:
		return svmgpu_info(param_value_size, param_value, param_value_size_ret,
				   d->max_work_item_sizes,
				   d->max_work_item_dimensions * sizeof(size_t));
	case CL_DEVICE_MAX_WORK_GROUP_SIZE:
		SVMGPU_INFO_VAL(size_t, d->max_work_group_size);
	case CL_DEVICE_PREFERRED_WORK_GROUP_SIZE_MULTIPLE:
		SVMGPU_INFO_VAL(size_t, d->preferred_work_group_size_multiple);
	case CL_DEVICE_MAX_NUM_SUB_GROUPS:
		SVMGPU_INFO_VAL(cl_uint, d->max_num_sub_groups);
	case CL_DEVICE_SUB_GROUP_INDEPENDENT_FORWARD_PROGRESS:
		SVMGPU_INFO_VAL(cl_bool, d->sub_group_independent_forward_progress);
	case CL_DEVICE_NON_UNIFORM_WORK_GROUP_SUPPORT:
		SVMGPU_INFO_VAL(cl_bool, d->non_uniform_work_group_support);
	case CL_DEVICE_WORK_GROUP_COLLECTIVE_FUNCTIONS_SUPPORT:
		SVMGPU_INFO_VAL(cl_bool, d->work_group_collective_functions_support);
	case CL_DEVICE_GENERIC_ADDRESS_SPACE_SUPPORT:
		SVMGPU_INFO_VAL(cl_bool, d->generic_address_space_support);
	case CL_DEVICE_EXECUTION_CAPABILITIES:
		SVMGPU_INFO_VAL(cl_device_exec_capabilities, d->execution_capabilities);
	case CL_DEVICE_PREFERRED_VECTOR_WIDTH_CHAR:
		SVMGPU_INFO_VAL(cl_uint, d->preferred_vector_width[SVMGPU_VEC_CHAR]);
	case CL_DEVICE_PREFERRED_VECTOR_WIDTH_SHORT:
		SVMGPU_INFO_VAL(cl_uint, d->preferred_vector_width[SVMGPU_VEC_SHORT]);
	case CL_DEVICE_PREFERRED_VECTOR_WIDTH_INT:
		SVMGPU_INFO_VAL(cl_uint, d->preferred_vector_width[SVMGPU_VEC_INT]);
	case CL_DEVICE_PREFERRED_VECTOR_WIDTH_LONG:
		SVMGPU_INFO_VAL(cl_uint, d->preferred_vector_width[SVMGPU_VEC_LONG]);
	case CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT:
		SVMGPU_INFO_VAL(cl_uint, d->preferred_vector_width[SVMGPU_VEC_FLOAT]);
	case CL_DEVICE_PREFERRED_VECTOR_WIDTH_DOUBLE:
		SVMGPU_INFO_VAL(cl_uint, d->preferred_vector_width[SVMGPU_VEC_DOUBLE]);
	case CL_DEVICE_PREFERRED_VECTOR_WIDTH_HALF:
		SVMGPU_INFO_VAL(cl_uint, d->preferred_vector_width[SVMGPU_VEC_HALF]);
	case CL_DEVICE_NATIVE_VECTOR_WIDTH_CHAR:
		SVMGPU_INFO_VAL(cl_uint, d->native_vector_width[SVMGPU_VEC_CHAR]);
	case CL_DEVICE_NATIVE_VECTOR_WIDTH_SHORT:
		SVMGPU_INFO_VAL(cl_uint, d->native_vector_width[SVMGPU_VEC_SHORT]);
	case CL_DEVICE_NATIVE_VECTOR_WIDTH_INT:
		SVMGPU_INFO_VAL(cl_uint, d->native_vector_width[SVMGPU_VEC_INT]);
	case CL_DEVICE_NATIVE_VECTOR_WIDTH_LONG:
		SVMGPU_INFO_VAL(cl_uint, d->native_vector_width[SVMGPU_VEC_LONG]);
	case CL_DEVICE_NATIVE_VECTOR_WIDTH_FLOAT:
		SVMGPU_INFO_VAL(cl_uint, d->native_vector_width[SVMGPU_VEC_FLOAT]);
	case CL_DEVICE_NATIVE_VECTOR_WIDTH_DOUBLE:
		SVMGPU_INFO_VAL(cl_uint, d->native_vector_width[SVMGPU_VEC_DOUBLE]);
	case CL_DEVICE_NATIVE_VECTOR_WIDTH_HALF:
		SVMGPU_INFO_VAL(cl_uint, d->native_vector_width[SVMGPU_VEC_HALF]);
	case CL_DEVICE_HALF_FP_CONFIG:
		SVMGPU_INFO_VAL(cl_device_fp_config, d->half_fp_config);
	case CL_DEVICE_SINGLE_FP_CONFIG:
		SVMGPU_INFO_VAL(cl_device_fp_config, d->single_fp_config);
	case CL_DEVICE_DOUBLE_FP_CONFIG:
		SVMGPU_INFO_VAL(cl_device_fp_config, d->double_fp_config);
	case CL_DEVICE_ADDRESS_BITS:
		SVMGPU_INFO_VAL(cl_uint, d->address_bits);
	case CL_DEVICE_ENDIAN_LITTLE:
		SVMGPU_INFO_VAL(cl_bool, d->endian_little);
	case CL_DEVICE_MAX_PARAMETER_SIZE:
		SVMGPU_INFO_VAL(size_t, d->max_parameter_size);
	case CL_DEVICE_PRINTF_BUFFER_SIZE:
		SVMGPU_INFO_VAL(size_t, d->printf_buffer_size);
	case CL_DEVICE_PROFILING_TIMER_RESOLUTION:
		SVMGPU_INFO_VAL(size_t, d->profiling_timer_resolution);

	/* Memory. */
	case CL_DEVICE_GLOBAL_MEM_SIZE:
		SVMGPU_INFO_VAL(cl_ulong, dev->global_mem_size);
	case CL_DEVICE_MAX_MEM_ALLOC_SIZE:
		SVMGPU_INFO_VAL(cl_ulong, dev->max_mem_alloc_size);
	case CL_DEVICE_MEM_BASE_ADDR_ALIGN:
		SVMGPU_INFO_VAL(cl_uint, dev->mem_base_addr_align);
	case CL_DEVICE_SVM_CAPABILITIES:
		SVMGPU_INFO_VAL(cl_device_svm_capabilities, dev->svm_caps);
	case CL_DEVICE_ERROR_CORRECTION_SUPPORT:
		SVMGPU_INFO_VAL(cl_bool, d->error_correction_support);
	case CL_DEVICE_HOST_UNIFIED_MEMORY:
		SVMGPU_INFO_VAL(cl_bool, d->host_unified_memory);
	case CL_DEVICE_MIN_DATA_TYPE_ALIGN_SIZE:
		SVMGPU_INFO_VAL(cl_uint, d->min_data_type_align_size);
	case CL_DEVICE_GLOBAL_MEM_CACHE_TYPE:
		SVMGPU_INFO_VAL(cl_device_mem_cache_type, d->global_mem_cache_type);
	case CL_DEVICE_GLOBAL_MEM_CACHELINE_SIZE:
		SVMGPU_INFO_VAL(cl_uint, d->global_mem_cacheline_size);
	case CL_DEVICE_GLOBAL_MEM_CACHE_SIZE:
		SVMGPU_INFO_VAL(cl_ulong, d->global_mem_cache_size);
	case CL_DEVICE_MAX_CONSTANT_BUFFER_SIZE:
		SVMGPU_INFO_VAL(cl_ulong, d->max_constant_buffer_size);
	case CL_DEVICE_MAX_CONSTANT_ARGS:
		SVMGPU_INFO_VAL(cl_uint, d->max_constant_args);
	case CL_DEVICE_LOCAL_MEM_TYPE:
		SVMGPU_INFO_VAL(cl_device_local_mem_type, d->local_mem_type);
	case CL_DEVICE_LOCAL_MEM_SIZE:
		SVMGPU_INFO_VAL(cl_ulong, d->local_mem_size);
	case CL_DEVICE_MAX_GLOBAL_VARIABLE_SIZE:
		SVMGPU_INFO_VAL(size_t, d->max_global_variable_size);
	case CL_DEVICE_GLOBAL_VARIABLE_PREFERRED_TOTAL_SIZE:
		SVMGPU_INFO_VAL(size_t, d->global_variable_preferred_total_size);
	case CL_DEVICE_PREFERRED_PLATFORM_ATOMIC_ALIGNMENT:
		SVMGPU_INFO_VAL(cl_uint, d->preferred_platform_atomic_alignment);
	case CL_DEVICE_PREFERRED_GLOBAL_ATOMIC_ALIGNMENT:
		SVMGPU_INFO_VAL(cl_uint, d->preferred_global_atomic_alignment);
	case CL_DEVICE_PREFERRED_LOCAL_ATOMIC_ALIGNMENT:
		SVMGPU_INFO_VAL(cl_uint, d->preferred_local_atomic_alignment);
	case CL_DEVICE_ATOMIC_MEMORY_CAPABILITIES:
		SVMGPU_INFO_VAL(cl_device_atomic_capabilities, d->atomic_memory_capabilities);
	case CL_DEVICE_ATOMIC_FENCE_CAPABILITIES:
		SVMGPU_INFO_VAL(cl_device_atomic_capabilities, d->atomic_fence_capabilities);

	/* Images and samplers. */
	case CL_DEVICE_IMAGE_SUPPORT:
		SVMGPU_INFO_VAL(cl_bool, d->image_support);
	case CL_DEVICE_MAX_READ_IMAGE_ARGS:
		SVMGPU_INFO_VAL(cl_uint, d->max_read_image_args);
	case CL_DEVICE_MAX_WRITE_IMAGE_ARGS:
		SVMGPU_INFO_VAL(cl_uint, d->max_write_image_args);
	case CL_DEVICE_MAX_READ_WRITE_IMAGE_ARGS:
		SVMGPU_INFO_VAL(cl_uint, d->max_read_write_image_args);
	case CL_DEVICE_MAX_SAMPLERS:
		SVMGPU_INFO_VAL(cl_uint, d->max_samplers);
	case CL_DEVICE_IMAGE2D_MAX_WIDTH:
		SVMGPU_INFO_VAL(size_t, d->image2d_max_width);
	case CL_DEVICE_IMAGE2D_MAX_HEIGHT:
		SVMGPU_INFO_VAL(size_t, d->image2d_max_height);
	case CL_DEVICE_IMAGE3D_MAX_WIDTH:
		SVMGPU_INFO_VAL(size_t, d->image3d_max_width);
	case CL_DEVICE_IMAGE3D_MAX_HEIGHT:
		SVMGPU_INFO_VAL(size_t, d->image3d_max_height);
	case CL_DEVICE_IMAGE3D_MAX_DEPTH:
		SVMGPU_INFO_VAL(size_t, d->image3d_max_depth);
	case CL_DEVICE_IMAGE_MAX_BUFFER_SIZE:
		SVMGPU_INFO_VAL(size_t, d->image_max_buffer_size);
	case CL_DEVICE_IMAGE_MAX_ARRAY_SIZE:
		SVMGPU_INFO_VAL(size_t, d->image_max_array_size);
	case CL_DEVICE_IMAGE_PITCH_ALIGNMENT:
		SVMGPU_INFO_VAL(cl_uint, d->image_pitch_alignment);
	case CL_DEVICE_IMAGE_BASE_ADDRESS_ALIGNMENT:
		SVMGPU_INFO_VAL(cl_uint, d->image_base_address_alignment);

	/* Pipes. */
	case CL_DEVICE_PIPE_SUPPORT:
		SVMGPU_INFO_VAL(cl_bool, d->pipe_support);
	case CL_DEVICE_MAX_PIPE_ARGS:
		SVMGPU_INFO_VAL(cl_uint, d->max_pipe_args);
	case CL_DEVICE_PIPE_MAX_ACTIVE_RESERVATIONS:
		SVMGPU_INFO_VAL(cl_uint, d->pipe_max_active_reservations);
	case CL_DEVICE_PIPE_MAX_PACKET_SIZE:
		SVMGPU_INFO_VAL(cl_uint, d->pipe_max_packet_size);

	/* Queues. */
	case CL_DEVICE_QUEUE_ON_HOST_PROPERTIES:
		SVMGPU_INFO_VAL(cl_command_queue_properties, dev->queue_props);
	case CL_DEVICE_DEVICE_ENQUEUE_CAPABILITIES:
		SVMGPU_INFO_VAL(cl_device_device_enqueue_capabilities,
				d->device_enqueue_capabilities);
	case CL_DEVICE_QUEUE_ON_DEVICE_PROPERTIES:
		SVMGPU_INFO_VAL(cl_command_queue_properties, d->queue_on_device_properties);
	case CL_DEVICE_QUEUE_ON_DEVICE_PREFERRED_SIZE:
		SVMGPU_INFO_VAL(cl_uint, d->queue_on_device_preferred_size);
	case CL_DEVICE_QUEUE_ON_DEVICE_MAX_SIZE:
		SVMGPU_INFO_VAL(cl_uint, d->queue_on_device_max_size);
	case CL_DEVICE_MAX_ON_DEVICE_QUEUES:
		SVMGPU_INFO_VAL(cl_uint, d->max_on_device_queues);
	case CL_DEVICE_MAX_ON_DEVICE_EVENTS:
		SVMGPU_INFO_VAL(cl_uint, d->max_on_device_events);
	case CL_DEVICE_PREFERRED_INTEROP_USER_SYNC:
		SVMGPU_INFO_VAL(cl_bool, d->preferred_interop_user_sync);

	/* Partitioning: root devices only. */
	case CL_DEVICE_PARENT_DEVICE:
		SVMGPU_INFO_VAL(cl_device_id, NULL);
	case CL_DEVICE_PARTITION_MAX_SUB_DEVICES:
		SVMGPU_INFO_VAL(cl_uint, d->partition_max_sub_devices);
	case CL_DEVICE_PARTITION_PROPERTIES:
		/* No partition type: one 0 entry, as the specification asks. */
		SVMGPU_INFO_VAL(cl_device_partition_property, 0);
	case CL_DEVICE_PARTITION_AFFINITY_DOMAIN:
		SVMGPU_INFO_VAL(cl_device_affinity_domain, 0);
	case CL_DEVICE_PARTITION_TYPE:
		/* Not a sub-device: an empty list is one of the two allowed answers. */
		return svmgpu_info(param_value_size, param_value, param_value_size_ret, NULL, 0);
	case CL_DEVICE_REFERENCE_COUNT:
		SVMGPU_INFO_VAL(cl_uint, 1);

	default:
		return SVMGPU_ERR(CL_INVALID_VALUE, "unknown param_name 0x%x", param_name);
	}
}

/* Root devices cannot be partitioned: none reports a partition type, so every
 * partition request names a type this device does not support. */
SVMGPU_API cl_int CL_API_CALL clCreateSubDevices(cl_device_id in_device,
						 const cl_device_partition_property *properties,
						 cl_uint num_devices, cl_device_id *out_devices,
						 cl_uint *num_devices_ret)
{
	(void)num_devices;
	(void)out_devices;
	(void)num_devices_ret;

	if (!svmgpu_device_valid(in_device))
		return SVMGPU_ERR(CL_INVALID_DEVICE, "%p is not a device", (void *)in_device);
	if (!properties || properties[0] == 0)
		return SVMGPU_ERR(CL_INVALID_VALUE, "no partition property");
	switch (properties[0]) {
	case CL_DEVICE_PARTITION_EQUALLY:
	case CL_DEVICE_PARTITION_BY_COUNTS:
	case CL_DEVICE_PARTITION_BY_AFFINITY_DOMAIN:
		return SVMGPU_ERR(CL_INVALID_VALUE, "partition type 0x%lx is not supported",
				  (long)properties[0]);
	default:
		return SVMGPU_ERR(CL_INVALID_VALUE, "unknown partition property 0x%lx",
				  (long)properties[0]);
	}
}

SVMGPU_API cl_int CL_API_CALL clRetainDevice(cl_device_id device)
{
	if (!svmgpu_device_valid(device))
		return SVMGPU_ERR(CL_INVALID_DEVICE, "%p is not a device", (void *)device);
	return CL_SUCCESS; /* root devices are not reference counted */
}

SVMGPU_API cl_int CL_API_CALL clReleaseDevice(cl_device_id device)
{
	if (!svmgpu_device_valid(device))
		return SVMGPU_ERR(CL_INVALID_DEVICE, "%p is not a device", (void *)device);
	return CL_SUCCESS;
}

/* The device timer is the profiling clock, which is the host's monotonic
 * clock: both timestamps are one reading. */
SVMGPU_API cl_int CL_API_CALL clGetDeviceAndHostTimer(cl_device_id device,
						      cl_ulong *device_timestamp,
						      cl_ulong *host_timestamp)
{
	cl_ulong now;

	if (!svmgpu_device_valid(device))
		return SVMGPU_ERR(CL_INVALID_DEVICE, "%p is not a device", (void *)device);
	if (!device_timestamp || !host_timestamp)
		return SVMGPU_ERR(CL_INVALID_VALUE, "device_timestamp %p, host_timestamp %p",
				  (void *)device_timestamp, (void *)host_timestamp);
	now = svmgpu_now_ns();
	*device_timestamp = now;
	*host_timestamp = now;
	return CL_SUCCESS;
}

SVMGPU_API cl_int CL_API_CALL clGetHostTimer(cl_device_id device, cl_ulong *host_timestamp)
{
	if (!svmgpu_device_valid(device))
		return SVMGPU_ERR(CL_INVALID_DEVICE, "%p is not a device", (void *)device);
	if (!host_timestamp)
		return SVMGPU_ERR(CL_INVALID_VALUE, "host_timestamp is NULL");
	*host_timestamp = svmgpu_now_ns();
	return CL_SUCCESS;
}
