// SPDX-License-Identifier: MIT
/* Checks every command on a buffer makes. */
#include "device.h"
#include "log.h"
#include "mem.h"
#include "queue.h"

cl_int svmgpu_mem_check_for_queue(cl_command_queue q, cl_mem m, const char *what)
{
	if (!svmgpu_mem_valid(m) || m->type != CL_MEM_OBJECT_BUFFER)
		return SVMGPU_ERR(CL_INVALID_MEM_OBJECT, "%s is not a buffer", what);
	if (m->context != q->context)
		return SVMGPU_ERR(CL_INVALID_CONTEXT, "%s and the queue have different contexts",
				  what);
	return CL_SUCCESS;
}

/* A sub-buffer is usable on a device only when its origin honours that
 * device's CL_DEVICE_MEM_BASE_ADDR_ALIGN (bits). */
cl_int svmgpu_mem_check_sub_align(cl_command_queue q, cl_mem m)
{
	size_t align = q->device->mem_base_addr_align / 8;

	if (m->parent && align > 1 && m->origin % align)
		return SVMGPU_ERR(CL_MISALIGNED_SUB_BUFFER_OFFSET,
				  "sub-buffer origin %zu is not aligned to %zu bytes", m->origin,
				  align);
	return CL_SUCCESS;
}
