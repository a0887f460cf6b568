// SPDX-License-Identifier: MIT
/* Kernel objects, before the compiler: no program can be built, so no kernel
 * can exist. Every entry point still gives the error the specification names
 * for its first failing argument; the compiler issue replaces this file. */
#include "log.h"
#include "program.h"
#include "queue.h"

/* No kernel object is ever created, so every kernel handle is invalid. */
static cl_int no_kernel(cl_kernel k)
{
	return SVMGPU_ERR(CL_INVALID_KERNEL, "%p is not a kernel", (void *)k);
}

/* No build can succeed before the compiler exists, so every valid program
 * lacks an executable. */
static cl_int check_built(cl_program program)
{
	if (!svmgpu_program_valid(program))
		return SVMGPU_ERR(CL_INVALID_PROGRAM, "%p is not a program", (void *)program);
	return SVMGPU_ERR(CL_INVALID_PROGRAM_EXECUTABLE, "program %p is not built",
			  (void *)program);
}

SVMGPU_API cl_kernel CL_API_CALL clCreateKernel(cl_program program, const char *kernel_name,
						cl_int *errcode_ret)
{
	(void)kernel_name;
	return svmgpu_fail(errcode_ret, check_built(program));
}

SVMGPU_API cl_int CL_API_CALL clCreateKernelsInProgram(cl_program program, cl_uint num_kernels,
						       cl_kernel *kernels,
						       cl_uint *num_kernels_ret)
{
	(void)num_kernels;
	(void)kernels;
	(void)num_kernels_ret;
	return check_built(program);
}

SVMGPU_API cl_int CL_API_CALL clRetainKernel(cl_kernel kernel)
{
	return no_kernel(kernel);
}

SVMGPU_API cl_int CL_API_CALL clReleaseKernel(cl_kernel kernel)
{
	return no_kernel(kernel);
}

SVMGPU_API cl_int CL_API_CALL clSetKernelArg(cl_kernel kernel, cl_uint arg_index,
					     size_t arg_size, const void *arg_value)
{
	(void)arg_index;
	(void)arg_size;
	(void)arg_value;
	return no_kernel(kernel);
}

SVMGPU_API cl_int CL_API_CALL clSetKernelArgSVMPointer(cl_kernel kernel, cl_uint arg_index,
						       const void *arg_value)
{
	(void)arg_index;
	(void)arg_value;
	return no_kernel(kernel);
}

SVMGPU_API cl_int CL_API_CALL clSetKernelExecInfo(cl_kernel kernel,
						  cl_kernel_exec_info param_name,
						  size_t param_value_size,
						  const void *param_value)
{
	(void)param_name;
	(void)param_value_size;
	(void)param_value;
	return no_kernel(kernel);
}

SVMGPU_API cl_kernel CL_API_CALL clCloneKernel(cl_kernel source_kernel, cl_int *errcode_ret)
{
	return svmgpu_fail(errcode_ret, no_kernel(source_kernel));
}

SVMGPU_API cl_int CL_API_CALL clGetKernelInfo(cl_kernel kernel, cl_kernel_info param_name,
					      size_t param_value_size, void *param_value,
					      size_t *param_value_size_ret)
{
	(void)param_name;
	(void)param_value_size;
	(void)param_value;
	(void)param_value_size_ret;
	return no_kernel(kernel);
}

SVMGPU_API cl_int CL_API_CALL clGetKernelWorkGroupInfo(cl_kernel kernel, cl_device_id device,
						       cl_kernel_work_group_info param_name,
						       size_t param_value_size, void *param_value,
						       size_t *param_value_size_ret)
{
	(void)device;
	(void)param_name;
	(void)param_value_size;
	(void)param_value;
	(void)param_value_size_ret;
	return no_kernel(kernel);
}

SVMGPU_API cl_int CL_API_CALL clGetKernelArgInfo(cl_kernel kernel, cl_uint arg_index,
						 cl_kernel_arg_info param_name,
						 size_t param_value_size, void *param_value,
						 size_t *param_value_size_ret)
{
	(void)arg_index;
	(void)param_name;
	(void)param_value_size;
	(void)param_value;
	(void)param_value_size_ret;
	return no_kernel(kernel);
}

SVMGPU_API cl_int CL_API_CALL clGetKernelSubGroupInfo(cl_kernel kernel, cl_device_id device,
						      cl_kernel_sub_group_info param_name,
						      size_t input_value_size,
						      const void *input_value,
						      size_t param_value_size, void *param_value,
						      size_t *param_value_size_ret)
{
	(void)device;
	(void)param_name;
	(void)input_value_size;
	(void)input_value;
	(void)param_value_size;
	(void)param_value;
	(void)param_value_size_ret;
	return no_kernel(kernel);
}

SVMGPU_API cl_int CL_API_CALL clGetKernelSubGroupInfoKHR(cl_kernel kernel, cl_device_id device,
							 cl_kernel_sub_group_info param_name,
							 size_t input_value_size,
							 const void *input_value,
							 size_t param_value_size,
							 void *param_value,
							 size_t *param_value_size_ret)
{
	return clGetKernelSubGroupInfo(kernel, device, param_name, input_value_size, input_value,
				       param_value_size, param_value, param_value_size_ret);
}

SVMGPU_API cl_int CL_API_CALL clEnqueueNDRangeKernel(cl_command_queue queue, cl_kernel kernel,
						     cl_uint work_dim,
						     const size_t *global_work_offset,
						     const size_t *global_work_size,
						     const size_t *local_work_size,
						     cl_uint num_events_in_wait_list,
						     const cl_event *event_wait_list,
						     cl_event *event)
{
	(void)work_dim;
	(void)global_work_offset;
	(void)global_work_size;
	(void)local_work_size;
	(void)num_events_in_wait_list;
	(void)event_wait_list;
	(void)event;
	if (!svmgpu_queue_valid(queue))
		return SVMGPU_ERR(CL_INVALID_COMMAND_QUEUE, "%p is not a queue", (void *)queue);
	return no_kernel(kernel);
}

SVMGPU_API cl_int CL_API_CALL clEnqueueTask(cl_command_queue queue, cl_kernel kernel,
					    cl_uint num_events_in_wait_list,
					    const cl_event *event_wait_list, cl_event *event)
{
	static const size_t one = 1;

	return clEnqueueNDRangeKernel(queue, kernel, 1, NULL, &one, &one,
				      num_events_in_wait_list, event_wait_list, event);
}

SVMGPU_API cl_int CL_API_CALL clEnqueueNativeKernel(cl_command_queue queue,
						    void(CL_CALLBACK *user_func)(void *),
						    void *args, size_t cb_args,
						    cl_uint num_mem_objects, const cl_mem *mem_list,
						    const void **args_mem_loc,
						    cl_uint num_events_in_wait_list,
						    const cl_event *event_wait_list,
						    cl_event *event)
{
	(void)num_events_in_wait_list;
	(void)event_wait_list;
	(void)event;
	if (!svmgpu_queue_valid(queue))
		return SVMGPU_ERR(CL_INVALID_COMMAND_QUEUE, "%p is not a queue", (void *)queue);
	if (!user_func)
		return SVMGPU_ERR(CL_INVALID_VALUE, "user_func is NULL");
	if ((!args && (cb_args || num_mem_objects)) || (args && !cb_args))
		return SVMGPU_ERR(CL_INVALID_VALUE, "args %p, cb_args %zu, num_mem_objects %u",
				  args, cb_args, num_mem_objects);
	if (num_mem_objects ? !mem_list || !args_mem_loc : mem_list || args_mem_loc)
		return SVMGPU_ERR(CL_INVALID_VALUE, "num_mem_objects %u, mem_list %p, "
				  "args_mem_loc %p", num_mem_objects, (void *)mem_list,
				  (void *)args_mem_loc);
	/* CL_DEVICE_EXECUTION_CAPABILITIES lacks CL_EXEC_NATIVE_KERNEL. */
	return SVMGPU_ERR(CL_INVALID_OPERATION, "no device runs native kernels");
}
