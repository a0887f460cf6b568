// SPDX-License-Identifier: MIT
/* Command queues: creation with properties, info, flush and finish. Commands
 * are handed to the scheduler as they are enqueued, so clFlush has nothing to
 * push; clFinish waits (and helps). */
#include "context.h"
#include "device.h"
#include "info.h"
#include "log.h"
#include "platform.h"
#include "queue.h"
#include "scheduler.h"

#include <stdlib.h>
#include <string.h>

#define KNOWN_QUEUE_PROPS                                                            \
	(CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE | CL_QUEUE_PROFILING_ENABLE |        \
	 CL_QUEUE_ON_DEVICE | CL_QUEUE_ON_DEVICE_DEFAULT)

void svmgpu_queue_retain(cl_command_queue q)
{
	svmgpu_object_retain(q);
}

void svmgpu_queue_release(cl_command_queue q)
{
	if (!svmgpu_object_release(q))
		return;
	svmgpu_context_release(q->context);
	free(q);
}

static cl_int check_props(cl_device_id dev, cl_command_queue_properties props)
{
	if (props & ~(cl_command_queue_properties)KNOWN_QUEUE_PROPS)
		return SVMGPU_ERR(CL_INVALID_VALUE, "unknown queue property bits 0x%llx",
				  (unsigned long long)(props & ~(cl_command_queue_properties)
								 KNOWN_QUEUE_PROPS));
	if ((props & CL_QUEUE_ON_DEVICE_DEFAULT) && !(props & CL_QUEUE_ON_DEVICE))
		return SVMGPU_ERR(CL_INVALID_VALUE, "ON_DEVICE_DEFAULT without ON_DEVICE");
	if ((props & CL_QUEUE_ON_DEVICE) && !(props & CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE))
		return SVMGPU_ERR(CL_INVALID_VALUE, "ON_DEVICE requires OUT_OF_ORDER_EXEC_MODE");
	if (props & ~dev->queue_props)
		return SVMGPU_ERR(CL_INVALID_QUEUE_PROPERTIES,
				  "the device does not support queue properties 0x%llx",
				  (unsigned long long)(props & ~dev->queue_props));
	return CL_SUCCESS;
}

static cl_command_queue queue_create(cl_context ctx, cl_device_id dev,
				     cl_command_queue_properties props,
				     const cl_queue_properties *array, size_t array_len,
				     cl_int *errcode_ret)
{
	cl_command_queue q;
	cl_int err;

	if (!svmgpu_context_valid(ctx))
		return svmgpu_fail(errcode_ret, SVMGPU_ERR(CL_INVALID_CONTEXT, "bad context"));
	if (!svmgpu_device_valid(dev) || !svmgpu_context_has_device(ctx, dev))
		return svmgpu_fail(errcode_ret, SVMGPU_ERR(CL_INVALID_DEVICE,
							   "device not in the context"));
	err = check_props(dev, props);
	if (err)
		return svmgpu_fail(errcode_ret, err);
	q = calloc(1, sizeof(*q));
	if (!q)
		return svmgpu_fail(errcode_ret, CL_OUT_OF_HOST_MEMORY);
	svmgpu_object_init(&q->obj, SVMGPU_MAGIC_QUEUE);
	atomic_init(&q->num_inflight, 0);
	q->context = ctx;
	svmgpu_context_retain(ctx);
	q->device = dev;
	q->props = props;
	if (array_len)
		memcpy(q->props_array, array, array_len * sizeof(*array));
	q->props_array_len = array_len;
	svmgpu_set_err(errcode_ret, CL_SUCCESS);
	return q;
}

SVMGPU_API cl_command_queue CL_API_CALL clCreateCommandQueue(cl_context context,
							     cl_device_id device,
							     cl_command_queue_properties properties,
							     cl_int *errcode_ret)
{
	return queue_create(context, device, properties, NULL, 0, errcode_ret);
}

SVMGPU_API cl_command_queue CL_API_CALL
clCreateCommandQueueWithProperties(cl_context context, cl_device_id device,
				   const cl_queue_properties *properties, cl_int *errcode_ret)
{
	cl_command_queue_properties props = 0;
	bool seen_props = false, seen_size = false;
	size_t len = 0;

	if (!svmgpu_context_valid(context))
		return svmgpu_fail(errcode_ret, SVMGPU_ERR(CL_INVALID_CONTEXT, "bad context"));
	for (; properties && properties[len]; len += 2) {
		if (len >= 2 * SVMGPU_MAX_QUEUE_PROPS)
			return svmgpu_fail(errcode_ret,
					   SVMGPU_ERR(CL_INVALID_VALUE, "property list too long"));
		switch (properties[len]) {
		case CL_QUEUE_PROPERTIES:
			if (seen_props)
				return svmgpu_fail(errcode_ret,
						   SVMGPU_ERR(CL_INVALID_VALUE,
							      "CL_QUEUE_PROPERTIES twice"));
			seen_props = true;
			props = properties[len + 1];
			break;
		case CL_QUEUE_SIZE:
			if (seen_size)
				return svmgpu_fail(errcode_ret,
						   SVMGPU_ERR(CL_INVALID_VALUE, "CL_QUEUE_SIZE twice"));
			seen_size = true;
			break;
		default:
			return svmgpu_fail(errcode_ret,
					   SVMGPU_ERR(CL_INVALID_VALUE,
						      "unknown queue property 0x%llx",
						      (unsigned long long)properties[len]));
		}
	}
	if (seen_size && !(props & CL_QUEUE_ON_DEVICE)) {
		/* The size applies to on-device queues only. */
		if (!svmgpu_device_valid(device) || !svmgpu_context_has_device(context, device))
			return svmgpu_fail(errcode_ret, SVMGPU_ERR(CL_INVALID_DEVICE,
								   "device not in the context"));
		return svmgpu_fail(errcode_ret, SVMGPU_ERR(CL_INVALID_VALUE,
							   "CL_QUEUE_SIZE without CL_QUEUE_ON_DEVICE"));
	}
	return queue_create(context, device, props, properties, properties ? len + 1 : 0,
			    errcode_ret);
}

SVMGPU_API cl_int CL_API_CALL clRetainCommandQueue(cl_command_queue q)
{
	if (!svmgpu_queue_valid(q))
		return SVMGPU_ERR(CL_INVALID_COMMAND_QUEUE, "bad queue");
	svmgpu_queue_retain(q);
	return CL_SUCCESS;
}

SVMGPU_API cl_int CL_API_CALL clReleaseCommandQueue(cl_command_queue q)
{
	if (!svmgpu_queue_valid(q))
		return SVMGPU_ERR(CL_INVALID_COMMAND_QUEUE, "bad queue");
	/* Commands already enqueued keep the queue alive (each holds a
	 * reference) and complete; nothing to flush. */
	svmgpu_queue_release(q);
	return CL_SUCCESS;
}

SVMGPU_API cl_int CL_API_CALL clGetCommandQueueInfo(cl_command_queue q,
						    cl_command_queue_info param_name,
						    size_t param_value_size, void *param_value,
						    size_t *param_value_size_ret)
{
	if (!svmgpu_queue_valid(q))
		return SVMGPU_ERR(CL_INVALID_COMMAND_QUEUE, "bad queue");
	switch (param_name) {
	case CL_QUEUE_CONTEXT:
		SVMGPU_INFO_VAL(cl_context, q->context);
	case CL_QUEUE_DEVICE:
		SVMGPU_INFO_VAL(cl_device_id, q->device);
	case CL_QUEUE_REFERENCE_COUNT:
		SVMGPU_INFO_VAL(cl_uint, svmgpu_object_refcount(q));
	case CL_QUEUE_PROPERTIES:
		SVMGPU_INFO_VAL(cl_command_queue_properties, q->props);
	case CL_QUEUE_PROPERTIES_ARRAY:
		return svmgpu_info(param_value_size, param_value, param_value_size_ret,
				   q->props_array, q->props_array_len * sizeof(cl_queue_properties));
	case CL_QUEUE_DEVICE_DEFAULT:
		/* No on-device queues: there is no default one. */
		SVMGPU_INFO_VAL(cl_command_queue, NULL);
	case CL_QUEUE_SIZE:
		return SVMGPU_ERR(CL_INVALID_COMMAND_QUEUE, "CL_QUEUE_SIZE of a host queue");
	default:
		return SVMGPU_ERR(CL_INVALID_VALUE, "unknown queue info 0x%x", param_name);
	}
}

SVMGPU_API cl_int CL_API_CALL clSetCommandQueueProperty(cl_command_queue q,
							cl_command_queue_properties properties,
							cl_bool enable,
							cl_command_queue_properties *old_properties)
{
	cl_command_queue_properties props;
	cl_int err;

	if (!svmgpu_queue_valid(q))
		return SVMGPU_ERR(CL_INVALID_COMMAND_QUEUE, "bad queue");
	props = enable ? q->props | properties : q->props & ~properties;
	err = check_props(q->device, props);
	if (err)
		return err;
	if (old_properties)
		*old_properties = q->props;
	/* OpenCL 1.0: earlier commands finish under the old properties. */
	svmgpu_queue_finish(q);
	q->props = props;
	return CL_SUCCESS;
}

SVMGPU_API cl_int CL_API_CALL clSetDefaultDeviceCommandQueue(cl_context context,
							     cl_device_id device,
							     cl_command_queue q)
{
	if (!svmgpu_context_valid(context))
		return SVMGPU_ERR(CL_INVALID_CONTEXT, "bad context");
	if (!svmgpu_device_valid(device) || !svmgpu_context_has_device(context, device))
		return SVMGPU_ERR(CL_INVALID_DEVICE, "device not in the context");
	/* Before the queue: no device has CL_DEVICE_DEVICE_ENQUEUE_CAPABILITIES,
	 * so no queue could be valid here (the conformance tests check this). */
	(void)q;
	return SVMGPU_ERR(CL_INVALID_OPERATION, "no device supports on-device queues");
}

SVMGPU_API cl_int CL_API_CALL clFlush(cl_command_queue q)
{
	if (!svmgpu_queue_valid(q))
		return SVMGPU_ERR(CL_INVALID_COMMAND_QUEUE, "bad queue");
	return CL_SUCCESS;
}

SVMGPU_API cl_int CL_API_CALL clFinish(cl_command_queue q)
{
	if (!svmgpu_queue_valid(q))
		return SVMGPU_ERR(CL_INVALID_COMMAND_QUEUE, "bad queue");
	svmgpu_queue_finish(q);
	return CL_SUCCESS;
}
