// SPDX-License-Identifier: MIT
/* Contexts: a set of devices of the one platform, the properties they were
 * created with, an error callback and destructor callbacks. */
#include "context.h"
#include "device.h"
#include "info.h"
#include "log.h"
#include "platform.h"
#include "svm_registry.h"
#include <stdlib.h>
#include <string.h>

typedef void(CL_CALLBACK *notify_fn)(const char *, const void *, size_t, void *);

/* Validates a property list and copies it (terminator included) into *out;
 * *out stays NULL when properties is NULL. */
static cl_int parse_properties(const cl_context_properties *properties,
			       cl_context_properties **out, size_t *out_len)
{
	size_t n = 0;

	*out = NULL;
	*out_len = 0;
	if (!properties)
		return CL_SUCCESS;
	for (; properties[n]; n += 2) {
		cl_context_properties name = properties[n], value = properties[n + 1];

		for (size_t j = 0; j < n; j += 2)
			if (properties[j] == name)
				return SVMGPU_ERR(CL_INVALID_PROPERTY, "property 0x%lx given twice",
						  (long)name);
		switch (name) {
		case CL_CONTEXT_PLATFORM:
			if (!value || (cl_platform_id)value != svmgpu_platform())
				return SVMGPU_ERR(CL_INVALID_PLATFORM,
						  "CL_CONTEXT_PLATFORM %p is not svmgpu",
						  (void *)value);
			break;
		case CL_CONTEXT_INTEROP_USER_SYNC:
			if (value != CL_TRUE && value != CL_FALSE)
				return SVMGPU_ERR(CL_INVALID_PROPERTY, "CL_CONTEXT_INTEROP_USER_"
						  "SYNC %ld is not a cl_bool", (long)value);
			break;
		default:
			return SVMGPU_ERR(CL_INVALID_PROPERTY, "unsupported property 0x%lx",
					  (long)name);
		}
	}
	*out = malloc((n + 1) * sizeof(**out));
	if (!*out)
		return SVMGPU_ERR(CL_OUT_OF_HOST_MEMORY, "properties copy");
	memcpy(*out, properties, (n + 1) * sizeof(**out));
	*out_len = n + 1;
	return CL_SUCCESS;
}

static cl_context context_new(cl_context_properties *props, size_t props_len,
			      cl_uint num_devices, const cl_device_id *devices,
			      notify_fn notify, void *user_data, cl_int *errcode_ret)
{
	cl_context c = calloc(1, sizeof(*c));
	cl_uint n = 0;

	if (c)
		c->devices = calloc(num_devices, sizeof(cl_device_id));
	if (!c || !c->devices) {
		free(c);
		free(props);
		return svmgpu_fail(errcode_ret, SVMGPU_ERR(CL_OUT_OF_HOST_MEMORY, "context"));
	}
	/* "Duplicate devices specified in devices are ignored." */
	for (cl_uint i = 0; i < num_devices; i++) {
		cl_uint j = 0;

		while (j < n && c->devices[j] != devices[i])
			j++;
		if (j == n)
			c->devices[n++] = devices[i];
	}
	svmgpu_object_init(&c->obj, SVMGPU_MAGIC_CONTEXT);
	c->num_devices = n;
	c->props = props;
	c->props_len = props_len;
	c->notify = notify;
	c->notify_data = user_data;
	pthread_mutex_init(&c->lock, NULL);
	svmgpu_set_err(errcode_ret, CL_SUCCESS);
	return c;
}

SVMGPU_API cl_context CL_API_CALL clCreateContext(const cl_context_properties *properties,
						  cl_uint num_devices, const cl_device_id *devices,
						  notify_fn pfn_notify, void *user_data,
						  cl_int *errcode_ret)
{
	cl_context_properties *props;
	size_t props_len;
	cl_int err;

	err = parse_properties(properties, &props, &props_len);
	if (err)
		return svmgpu_fail(errcode_ret, err);
	if (!devices || num_devices == 0)
		err = SVMGPU_ERR(CL_INVALID_VALUE, "devices %p, num_devices %u", (void *)devices,
				 num_devices);
	else if (!pfn_notify && user_data)
		err = SVMGPU_ERR(CL_INVALID_VALUE, "user_data without pfn_notify");
	for (cl_uint i = 0; !err && i < num_devices; i++)
		if (!svmgpu_device_valid(devices[i]))
			err = SVMGPU_ERR(CL_INVALID_DEVICE, "devices[%u] = %p is not a device", i,
					 (void *)devices[i]);
	if (err) {
		free(props);
		return svmgpu_fail(errcode_ret, err);
	}
	return context_new(props, props_len, num_devices, devices, pfn_notify, user_data,
			   errcode_ret);
}

SVMGPU_API cl_context CL_API_CALL clCreateContextFromType(const cl_context_properties *properties,
							  cl_device_type device_type,
							  notify_fn pfn_notify, void *user_data,
							  cl_int *errcode_ret)
{
	cl_device_id devices[SVMGPU_MAX_DEVICES];
	cl_context_properties *props;
	size_t props_len;
	cl_uint n = 0;
	cl_int err;

	err = parse_properties(properties, &props, &props_len);
	if (err)
		return svmgpu_fail(errcode_ret, err);
	if (!pfn_notify && user_data)
		err = SVMGPU_ERR(CL_INVALID_VALUE, "user_data without pfn_notify");
	else
		/* Same device_type rules and errors as clGetDeviceIDs. */
		err = clGetDeviceIDs(svmgpu_platform(), device_type, SVMGPU_MAX_DEVICES, devices,
				     &n);
	if (err) {
		free(props);
		return svmgpu_fail(errcode_ret, err);
	}
	return context_new(props, props_len, n, devices, pfn_notify, user_data, errcode_ret);
}

bool svmgpu_context_has_device(cl_context c, cl_device_id d)
{
	for (cl_uint i = 0; i < c->num_devices; i++)
		if (c->devices[i] == d)
			return true;
	return false;
}

void svmgpu_context_retain(cl_context c)
{
	svmgpu_object_retain(c);
}

static void context_destroy(cl_context c)
{
	struct svmgpu_context_dtor *dt, *next;

	/* Registered last runs first: the list is kept newest first. */
	for (dt = c->dtors; dt; dt = next) {
		next = dt->next;
		dt->fn(c, dt->user_data);
		free(dt);
	}
	svmgpu_svm_release_context(c);
	pthread_mutex_destroy(&c->lock);
	free(c->props);
	free(c->devices);
	free(c);
}

void svmgpu_context_release(cl_context c)
{
	if (svmgpu_object_release(c))
		context_destroy(c);
}

void svmgpu_context_notify(cl_context c, const char *msg)
{
	if (c && c->notify)
		c->notify(msg, NULL, 0, c->notify_data);
}

SVMGPU_API cl_int CL_API_CALL clRetainContext(cl_context context)
{
	if (!svmgpu_context_valid(context))
		return SVMGPU_ERR(CL_INVALID_CONTEXT, "%p is not a context", (void *)context);
	svmgpu_context_retain(context);
	return CL_SUCCESS;
}

SVMGPU_API cl_int CL_API_CALL clReleaseContext(cl_context context)
{
	if (!svmgpu_context_valid(context))
		return SVMGPU_ERR(CL_INVALID_CONTEXT, "%p is not a context", (void *)context);
	svmgpu_context_release(context);
	return CL_SUCCESS;
}

SVMGPU_API cl_int CL_API_CALL clGetContextInfo(cl_context context, cl_context_info param_name,
					       size_t param_value_size, void *param_value,
					       size_t *param_value_size_ret)
{
	if (!svmgpu_context_valid(context))
		return SVMGPU_ERR(CL_INVALID_CONTEXT, "%p is not a context", (void *)context);

	switch (param_name) {
	case CL_CONTEXT_REFERENCE_COUNT:
		SVMGPU_INFO_VAL(cl_uint, svmgpu_object_refcount(context));
	case CL_CONTEXT_NUM_DEVICES:
		SVMGPU_INFO_VAL(cl_uint, context->num_devices);
	case CL_CONTEXT_DEVICES:
		return svmgpu_info(param_value_size, param_value, param_value_size_ret,
				   context->devices, context->num_devices * sizeof(cl_device_id));
	case CL_CONTEXT_PROPERTIES:
		/* As given, or nothing at all when properties was NULL. */
		return svmgpu_info(param_value_size, param_value, param_value_size_ret,
				   context->props,
				   context->props_len * sizeof(cl_context_properties));
	default:
		return SVMGPU_ERR(CL_INVALID_VALUE, "unknown param_name 0x%x", param_name);
	}
}

SVMGPU_API cl_int CL_API_CALL clSetContextDestructorCallback(
	cl_context context, void(CL_CALLBACK *pfn_notify)(cl_context, void *), void *user_data)
{
	struct svmgpu_context_dtor *dt;

	if (!svmgpu_context_valid(context))
		return SVMGPU_ERR(CL_INVALID_CONTEXT, "%p is not a context", (void *)context);
	if (!pfn_notify)
		return SVMGPU_ERR(CL_INVALID_VALUE, "pfn_notify is NULL");
	dt = malloc(sizeof(*dt));
	if (!dt)
		return SVMGPU_ERR(CL_OUT_OF_HOST_MEMORY, "destructor callback");
	dt->fn = pfn_notify;
	dt->user_data = user_data;
	pthread_mutex_lock(&context->lock);
	dt->next = context->dtors;
	context->dtors = dt;
	pthread_mutex_unlock(&context->lock);
	return CL_SUCCESS;
}

cl_device_id svmgpu_context_mem_device(cl_context c)
{
	for (cl_uint i = 0; i < c->num_devices; i++)
		if (c->devices[i]->ops->alloc_mem)
			return c->devices[i];
	return NULL;
}
