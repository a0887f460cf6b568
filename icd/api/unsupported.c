// SPDX-License-Identifier: MIT
/* Images, samplers and pipes: no svmgpu device supports them
 * (CL_DEVICE_IMAGE_SUPPORT and CL_DEVICE_PIPE_SUPPORT are CL_FALSE), which
 * OpenCL 3.0 allows. Creation fails with CL_INVALID_OPERATION once the
 * arguments check out; since no image, sampler or pipe can exist, every
 * handle of those kinds is invalid. */
#include "context.h"
#include "log.h"
#include "mem.h"
#include "queue.h"

#define MEM_ACCESS (CL_MEM_READ_WRITE | CL_MEM_WRITE_ONLY | CL_MEM_READ_ONLY)
#define MEM_HOST_ACCESS (CL_MEM_HOST_WRITE_ONLY | CL_MEM_HOST_READ_ONLY | CL_MEM_HOST_NO_ACCESS)
#define MEM_HOST_PTR (CL_MEM_USE_HOST_PTR | CL_MEM_ALLOC_HOST_PTR | CL_MEM_COPY_HOST_PTR)

static bool one_at_most(cl_mem_flags f)
{
	return (f & (f - 1)) == 0;
}

/* The memory flags rules of clCreateImage (CL_MEM_KERNEL_READ_AND_WRITE is
 * allowed for images only). */
static bool image_flags_valid(cl_mem_flags flags)
{
	if (flags & ~(cl_mem_flags)(MEM_ACCESS | MEM_HOST_ACCESS | MEM_HOST_PTR |
				    CL_MEM_KERNEL_READ_AND_WRITE))
		return false;
	if (!one_at_most(flags & MEM_ACCESS) || !one_at_most(flags & MEM_HOST_ACCESS))
		return false;
	return !(flags & CL_MEM_USE_HOST_PTR) ||
	       !(flags & (CL_MEM_ALLOC_HOST_PTR | CL_MEM_COPY_HOST_PTR));
}

static bool image_format_valid(const cl_image_format *f)
{
	return f && f->image_channel_order >= CL_R && f->image_channel_order <= CL_ABGR &&
	       f->image_channel_data_type >= CL_SNORM_INT8 &&
	       f->image_channel_data_type <= CL_UNORM_INT_101010_2;
}

static bool image_type_valid(cl_mem_object_type t)
{
	return t >= CL_MEM_OBJECT_IMAGE2D && t <= CL_MEM_OBJECT_IMAGE1D_BUFFER;
}

static cl_int image_create_checks(cl_context context, cl_mem_flags flags,
				  const cl_image_format *format)
{
	if (!svmgpu_context_valid(context))
		return SVMGPU_ERR(CL_INVALID_CONTEXT, "%p is not a context", (void *)context);
	if (!image_flags_valid(flags))
		return SVMGPU_ERR(CL_INVALID_VALUE, "flags 0x%llx", (unsigned long long)flags);
	if (!image_format_valid(format))
		return SVMGPU_ERR(CL_INVALID_IMAGE_FORMAT_DESCRIPTOR, "bad image format");
	return CL_SUCCESS;
}

#define NO_IMAGES SVMGPU_ERR(CL_INVALID_OPERATION, "no device in the context supports images")

SVMGPU_API cl_mem CL_API_CALL clCreateImage2D(cl_context context, cl_mem_flags flags,
					      const cl_image_format *image_format,
					      size_t image_width, size_t image_height,
					      size_t image_row_pitch, void *host_ptr,
					      cl_int *errcode_ret)
{
	cl_int err = image_create_checks(context, flags, image_format);

	(void)image_width;
	(void)image_height;
	(void)image_row_pitch;
	(void)host_ptr;
	return svmgpu_fail(errcode_ret, err ? err : NO_IMAGES);
}

SVMGPU_API cl_mem CL_API_CALL clCreateImage3D(cl_context context, cl_mem_flags flags,
					      const cl_image_format *image_format,
					      size_t image_width, size_t image_height,
					      size_t image_depth, size_t image_row_pitch,
					      size_t image_slice_pitch, void *host_ptr,
					      cl_int *errcode_ret)
{
	cl_int err = image_create_checks(context, flags, image_format);

	(void)image_width;
	(void)image_height;
	(void)image_depth;
	(void)image_row_pitch;
	(void)image_slice_pitch;
	(void)host_ptr;
	return svmgpu_fail(errcode_ret, err ? err : NO_IMAGES);
}

SVMGPU_API cl_mem CL_API_CALL clCreateImage(cl_context context, cl_mem_flags flags,
					    const cl_image_format *image_format,
					    const cl_image_desc *image_desc, void *host_ptr,
					    cl_int *errcode_ret)
{
	cl_int err = image_create_checks(context, flags, image_format);

	(void)host_ptr;
	if (!err && (!image_desc || !image_type_valid(image_desc->image_type)))
		err = SVMGPU_ERR(CL_INVALID_IMAGE_DESCRIPTOR, "bad image descriptor");
	return svmgpu_fail(errcode_ret, err ? err : NO_IMAGES);
}

SVMGPU_API cl_mem CL_API_CALL clCreateImageWithProperties(cl_context context,
							  const cl_mem_properties *properties,
							  cl_mem_flags flags,
							  const cl_image_format *image_format,
							  const cl_image_desc *image_desc,
							  void *host_ptr, cl_int *errcode_ret)
{
	/* OpenCL 3.0 defines no image property. */
	if (svmgpu_context_valid(context) && properties && properties[0])
		return svmgpu_fail(errcode_ret, SVMGPU_ERR(CL_INVALID_PROPERTY,
							   "unsupported property 0x%llx",
							   (unsigned long long)properties[0]));
	return clCreateImage(context, flags, image_format, image_desc, host_ptr, errcode_ret);
}

SVMGPU_API cl_int CL_API_CALL clGetSupportedImageFormats(cl_context context, cl_mem_flags flags,
							 cl_mem_object_type image_type,
							 cl_uint num_entries,
							 cl_image_format *image_formats,
							 cl_uint *num_image_formats)
{
	if (!svmgpu_context_valid(context))
		return SVMGPU_ERR(CL_INVALID_CONTEXT, "%p is not a context", (void *)context);
	if (!image_flags_valid(flags))
		return SVMGPU_ERR(CL_INVALID_VALUE, "flags 0x%llx", (unsigned long long)flags);
	if (!image_type_valid(image_type))
		return SVMGPU_ERR(CL_INVALID_VALUE, "image_type 0x%x", image_type);
	if (num_entries == 0 && image_formats)
		return SVMGPU_ERR(CL_INVALID_VALUE, "num_entries 0 with image_formats");
	/* No device supports images: no format, and success. */
	if (num_image_formats)
		*num_image_formats = 0;
	return CL_SUCCESS;
}

SVMGPU_API cl_int CL_API_CALL clGetImageInfo(cl_mem image, cl_image_info param_name,
					     size_t param_value_size, void *param_value,
					     size_t *param_value_size_ret)
{
	(void)param_name;
	(void)param_value_size;
	(void)param_value;
	(void)param_value_size_ret;
	return SVMGPU_ERR(CL_INVALID_MEM_OBJECT, "%p is not an image", (void *)image);
}

/* Every image command: a valid queue, then an image that cannot exist. */
static cl_int image_command(cl_command_queue queue, cl_mem image)
{
	if (!svmgpu_queue_valid(queue))
		return SVMGPU_ERR(CL_INVALID_COMMAND_QUEUE, "%p is not a queue", (void *)queue);
	return SVMGPU_ERR(CL_INVALID_MEM_OBJECT, "%p is not an image", (void *)image);
}

SVMGPU_API cl_int CL_API_CALL clEnqueueReadImage(cl_command_queue queue, cl_mem image,
						 cl_bool blocking_read, const size_t *origin,
						 const size_t *region, size_t row_pitch,
						 size_t slice_pitch, void *ptr,
						 cl_uint num_events_in_wait_list,
						 const cl_event *event_wait_list, cl_event *event)
{
	(void)blocking_read, (void)origin, (void)region, (void)row_pitch, (void)slice_pitch;
	(void)ptr, (void)num_events_in_wait_list, (void)event_wait_list, (void)event;
	return image_command(queue, image);
}

SVMGPU_API cl_int CL_API_CALL clEnqueueWriteImage(cl_command_queue queue, cl_mem image,
						  cl_bool blocking_write, const size_t *origin,
						  const size_t *region, size_t input_row_pitch,
						  size_t input_slice_pitch, const void *ptr,
						  cl_uint num_events_in_wait_list,
						  const cl_event *event_wait_list, cl_event *event)
{
	(void)blocking_write, (void)origin, (void)region, (void)input_row_pitch;
	(void)input_slice_pitch, (void)ptr, (void)num_events_in_wait_list;
	(void)event_wait_list, (void)event;
	return image_command(queue, image);
}

SVMGPU_API cl_int CL_API_CALL clEnqueueFillImage(cl_command_queue queue, cl_mem image,
						 const void *fill_color, const size_t *origin,
						 const size_t *region,
						 cl_uint num_events_in_wait_list,
						 const cl_event *event_wait_list, cl_event *event)
{
	(void)fill_color, (void)origin, (void)region, (void)num_events_in_wait_list;
	(void)event_wait_list, (void)event;
	return image_command(queue, image);
}

SVMGPU_API cl_int CL_API_CALL clEnqueueCopyImage(cl_command_queue queue, cl_mem src_image,
						 cl_mem dst_image, const size_t *src_origin,
						 const size_t *dst_origin, const size_t *region,
						 cl_uint num_events_in_wait_list,
						 const cl_event *event_wait_list, cl_event *event)
{
	(void)dst_image, (void)src_origin, (void)dst_origin, (void)region;
	(void)num_events_in_wait_list, (void)event_wait_list, (void)event;
	return image_command(queue, src_image);
}

SVMGPU_API cl_int CL_API_CALL clEnqueueCopyImageToBuffer(cl_command_queue queue,
							 cl_mem src_image, cl_mem dst_buffer,
							 const size_t *src_origin,
							 const size_t *region, size_t dst_offset,
							 cl_uint num_events_in_wait_list,
							 const cl_event *event_wait_list,
							 cl_event *event)
{
	(void)dst_buffer, (void)src_origin, (void)region, (void)dst_offset;
	(void)num_events_in_wait_list, (void)event_wait_list, (void)event;
	return image_command(queue, src_image);
}

SVMGPU_API cl_int CL_API_CALL clEnqueueCopyBufferToImage(cl_command_queue queue,
							 cl_mem src_buffer, cl_mem dst_image,
							 size_t src_offset,
							 const size_t *dst_origin,
							 const size_t *region,
							 cl_uint num_events_in_wait_list,
							 const cl_event *event_wait_list,
							 cl_event *event)
{
	(void)src_buffer, (void)src_offset, (void)dst_origin, (void)region;
	(void)num_events_in_wait_list, (void)event_wait_list, (void)event;
	return image_command(queue, dst_image);
}

SVMGPU_API void *CL_API_CALL clEnqueueMapImage(cl_command_queue queue, cl_mem image,
					       cl_bool blocking_map, cl_map_flags map_flags,
					       const size_t *origin, const size_t *region,
					       size_t *image_row_pitch, size_t *image_slice_pitch,
					       cl_uint num_events_in_wait_list,
					       const cl_event *event_wait_list, cl_event *event,
					       cl_int *errcode_ret)
{
	(void)blocking_map, (void)map_flags, (void)origin, (void)region;
	(void)image_row_pitch, (void)image_slice_pitch, (void)num_events_in_wait_list;
	(void)event_wait_list, (void)event;
	return svmgpu_fail(errcode_ret, image_command(queue, image));
}

/* Samplers. */

static bool addressing_valid(cl_addressing_mode m)
{
	return m >= CL_ADDRESS_NONE && m <= CL_ADDRESS_MIRRORED_REPEAT;
}

static bool filter_valid(cl_filter_mode m)
{
	return m == CL_FILTER_NEAREST || m == CL_FILTER_LINEAR;
}

#define NO_SAMPLERS SVMGPU_ERR(CL_INVALID_OPERATION, "no device in the context supports images")

SVMGPU_API cl_sampler CL_API_CALL clCreateSampler(cl_context context, cl_bool normalized_coords,
						  cl_addressing_mode addressing_mode,
						  cl_filter_mode filter_mode, cl_int *errcode_ret)
{
	cl_int err = CL_SUCCESS;

	if (!svmgpu_context_valid(context))
		err = SVMGPU_ERR(CL_INVALID_CONTEXT, "%p is not a context", (void *)context);
	else if ((normalized_coords != CL_TRUE && normalized_coords != CL_FALSE) ||
		 !addressing_valid(addressing_mode) || !filter_valid(filter_mode))
		err = SVMGPU_ERR(CL_INVALID_VALUE, "normalized %u, addressing 0x%x, filter 0x%x",
				 normalized_coords, addressing_mode, filter_mode);
	return svmgpu_fail(errcode_ret, err ? err : NO_SAMPLERS);
}

SVMGPU_API cl_sampler CL_API_CALL clCreateSamplerWithProperties(
	cl_context context, const cl_sampler_properties *props, cl_int *errcode_ret)
{
	if (!svmgpu_context_valid(context))
		return svmgpu_fail(errcode_ret, SVMGPU_ERR(CL_INVALID_CONTEXT,
							   "%p is not a context", (void *)context));
	for (size_t i = 0; props && props[i]; i += 2) {
		cl_sampler_properties name = props[i], v = props[i + 1];
		bool ok;

		for (size_t j = 0; j < i; j += 2)
			if (props[j] == name)
				return svmgpu_fail(errcode_ret,
						   SVMGPU_ERR(CL_INVALID_VALUE,
							      "property 0x%llx given twice",
							      (unsigned long long)name));
		switch (name) {
		case CL_SAMPLER_NORMALIZED_COORDS:
			ok = v == CL_TRUE || v == CL_FALSE;
			break;
		case CL_SAMPLER_ADDRESSING_MODE:
			ok = addressing_valid((cl_addressing_mode)v);
			break;
		case CL_SAMPLER_FILTER_MODE:
			ok = filter_valid((cl_filter_mode)v);
			break;
		default:
			ok = false;
		}
		if (!ok)
			return svmgpu_fail(errcode_ret,
					   SVMGPU_ERR(CL_INVALID_VALUE, "property 0x%llx = 0x%llx",
						      (unsigned long long)name,
						      (unsigned long long)v));
	}
	return svmgpu_fail(errcode_ret, NO_SAMPLERS);
}

SVMGPU_API cl_int CL_API_CALL clRetainSampler(cl_sampler sampler)
{
	return SVMGPU_ERR(CL_INVALID_SAMPLER, "%p is not a sampler", (void *)sampler);
}

SVMGPU_API cl_int CL_API_CALL clReleaseSampler(cl_sampler sampler)
{
	return SVMGPU_ERR(CL_INVALID_SAMPLER, "%p is not a sampler", (void *)sampler);
}

SVMGPU_API cl_int CL_API_CALL clGetSamplerInfo(cl_sampler sampler, cl_sampler_info param_name,
					       size_t param_value_size, void *param_value,
					       size_t *param_value_size_ret)
{
	(void)param_name, (void)param_value_size, (void)param_value, (void)param_value_size_ret;
	return SVMGPU_ERR(CL_INVALID_SAMPLER, "%p is not a sampler", (void *)sampler);
}

/* Pipes. */

SVMGPU_API cl_mem CL_API_CALL clCreatePipe(cl_context context, cl_mem_flags flags,
					   cl_uint pipe_packet_size, cl_uint pipe_max_packets,
					   const cl_pipe_properties *properties,
					   cl_int *errcode_ret)
{
	(void)flags, (void)pipe_packet_size, (void)pipe_max_packets, (void)properties;
	if (!svmgpu_context_valid(context))
		return svmgpu_fail(errcode_ret, SVMGPU_ERR(CL_INVALID_CONTEXT,
							   "%p is not a context", (void *)context));
	return svmgpu_fail(errcode_ret, SVMGPU_ERR(CL_INVALID_OPERATION,
						   "no device in the context supports pipes"));
}

SVMGPU_API cl_int CL_API_CALL clGetPipeInfo(cl_mem pipe, cl_pipe_info param_name,
					    size_t param_value_size, void *param_value,
					    size_t *param_value_size_ret)
{
	(void)param_name, (void)param_value_size, (void)param_value, (void)param_value_size_ret;
	return SVMGPU_ERR(CL_INVALID_MEM_OBJECT, "%p is not a pipe", (void *)pipe);
}
