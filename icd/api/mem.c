// SPDX-License-Identifier: MIT
/* Buffers and sub-buffers: creation under every flag rule of the
 * specification, reference counts, destructor callbacks and queries.
 *
 * Every device of the platform addresses host memory, so a buffer's storage is
 * one host allocation (or the application's memory for CL_MEM_USE_HOST_PTR:
 * zero copy), and a sub-buffer is a window into its parent's storage. */
#include "context.h"
#include "device.h"
#include "info.h"
#include "log.h"
#include "mem.h"
#include "svm_registry.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define ACCESS_FLAGS (CL_MEM_READ_WRITE | CL_MEM_WRITE_ONLY | CL_MEM_READ_ONLY)
#define HOST_FLAGS (CL_MEM_HOST_WRITE_ONLY | CL_MEM_HOST_READ_ONLY | CL_MEM_HOST_NO_ACCESS)
#define PTR_FLAGS (CL_MEM_USE_HOST_PTR | CL_MEM_ALLOC_HOST_PTR | CL_MEM_COPY_HOST_PTR)
#define BUFFER_FLAGS ((cl_mem_flags)(ACCESS_FLAGS | HOST_FLAGS | PTR_FLAGS))

/* From this size on, storage is page aligned: whole pages for the devices
 * that map or migrate memory page by page. */
#define LARGE_BUFFER ((size_t)64 << 10)
#define MIN_ALIGN ((size_t)128)

/* enqueue_map.c keeps the live mappings of every object (mem.h has no field
 * for them); a destroyed object's mappings go with it. */

static bool at_most_one(cl_mem_flags f)
{
	return (f & (f - 1)) == 0;
}

/* The flag rules common to buffers and sub-buffers: known bits only, and
 * the mutually exclusive groups. */
static cl_int check_flags(cl_mem_flags flags)
{
	if (flags & ~BUFFER_FLAGS)
		return SVMGPU_ERR(CL_INVALID_VALUE, "unknown or non-buffer flags 0x%llx",
				  (unsigned long long)(flags & ~BUFFER_FLAGS));
	if (!at_most_one(flags & ACCESS_FLAGS))
		return SVMGPU_ERR(CL_INVALID_VALUE,
				  "READ_WRITE, WRITE_ONLY and READ_ONLY are mutually exclusive");
	if (!at_most_one(flags & HOST_FLAGS))
		return SVMGPU_ERR(CL_INVALID_VALUE, "HOST_WRITE_ONLY, HOST_READ_ONLY and "
				  "HOST_NO_ACCESS are mutually exclusive");
	if ((flags & CL_MEM_USE_HOST_PTR) &&
	    (flags & (CL_MEM_ALLOC_HOST_PTR | CL_MEM_COPY_HOST_PTR)))
		return SVMGPU_ERR(CL_INVALID_VALUE,
				  "USE_HOST_PTR excludes ALLOC_HOST_PTR and COPY_HOST_PTR");
	return CL_SUCCESS;
}

/* The alignment of a buffer's own storage: what every device of the context
 * asks (CL_DEVICE_MEM_BASE_ADDR_ALIGN, in bits), at least 128 bytes; always
 * a power of two for posix_memalign. */
static size_t storage_align(cl_context ctx)
{
	size_t align = MIN_ALIGN, p = 1;

	for (cl_uint i = 0; i < ctx->num_devices; i++) {
		size_t a = ctx->devices[i]->mem_base_addr_align / 8;

		if (a > align)
			align = a;
	}
	while (p < align)
		p <<= 1;
	return p;
}

/* Large buffers are whole pages of their own (for the devices that map or
 * migrate page by page), from mmap: zero and lazily backed. */
static bool storage_is_mapped(cl_context ctx, size_t size)
{
	long page = sysconf(_SC_PAGESIZE);

	return size >= LARGE_BUFFER && page > 0 && storage_align(ctx) <= (size_t)page;
}

/* Zeroed storage: contents are undefined by the specification, but a read of
 * a fresh buffer must not hand out stale heap data (nor trouble valgrind). */
static void *storage_alloc(cl_context ctx, size_t size)
{
	cl_device_id md = svmgpu_context_mem_device(ctx);
	void *p = NULL;

	if (md)
		return md->ops->alloc_mem(md, size, storage_align(ctx));
	if (storage_is_mapped(ctx, size)) {
		p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		return p == MAP_FAILED ? NULL : p;
	}
	if (posix_memalign(&p, storage_align(ctx), size))
		return NULL;
	memset(p, 0, size);
	return p;
}

static void storage_free(cl_context ctx, void *p, size_t size)
{
	cl_device_id md = svmgpu_context_mem_device(ctx);

	if (md)
		md->ops->free_mem(md, p);
	else if (storage_is_mapped(ctx, size))
		munmap(p, size);
	else
		free(p);
}

static cl_mem mem_new(cl_context ctx, cl_mem_flags flags, size_t size)
{
	cl_mem m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	if (pthread_mutex_init(&m->lock, NULL)) {
		free(m);
		return NULL;
	}
	svmgpu_object_init(&m->obj, SVMGPU_MAGIC_MEM);
	m->context = ctx;
	m->type = CL_MEM_OBJECT_BUFFER;
	m->flags = flags;
	m->size = size;
	atomic_init(&m->map_count, 0);
	return m;
}

static cl_mem create_buffer(cl_context ctx, const cl_mem_properties *props, cl_mem_flags flags,
			    size_t size, void *host_ptr, cl_int *errcode_ret)
{
	struct svmgpu_svm_alloc svm;
	bool in_svm = false;
	cl_ulong max_alloc = 0;
	cl_mem m;
	cl_int err;

	if (!svmgpu_context_valid(ctx))
		return svmgpu_fail(errcode_ret, SVMGPU_ERR(CL_INVALID_CONTEXT, "bad context"));
	/* OpenCL 3.0 defines no buffer property; extensions we lack do. */
	if (props && props[0] != 0)
		return svmgpu_fail(errcode_ret,
				   SVMGPU_ERR(CL_INVALID_PROPERTY,
					      "unsupported buffer property 0x%llx",
					      (unsigned long long)props[0]));
	err = check_flags(flags);
	if (err)
		return svmgpu_fail(errcode_ret, err);

	for (cl_uint i = 0; i < ctx->num_devices; i++)
		if (ctx->devices[i]->max_mem_alloc_size > max_alloc)
			max_alloc = ctx->devices[i]->max_mem_alloc_size;
	if (size == 0)
		return svmgpu_fail(errcode_ret, SVMGPU_ERR(CL_INVALID_BUFFER_SIZE, "size is 0"));
	if ((cl_ulong)size > max_alloc)
		return svmgpu_fail(errcode_ret,
				   SVMGPU_ERR(CL_INVALID_BUFFER_SIZE,
					      "size %zu exceeds CL_DEVICE_MAX_MEM_ALLOC_SIZE %llu",
					      size, (unsigned long long)max_alloc));
	if (host_ptr && (flags & (CL_MEM_USE_HOST_PTR | CL_MEM_COPY_HOST_PTR))) {
		/* Over SVM memory, the buffer must fit in what is left of the
		 * allocation from host_ptr on. */
		in_svm = svmgpu_svm_lookup(host_ptr, &svm) && svm.context == ctx;
		if (in_svm && size > svm.size - (size_t)((char *)host_ptr - (char *)svm.base))
			return svmgpu_fail(errcode_ret,
					   SVMGPU_ERR(CL_INVALID_BUFFER_SIZE,
						      "size %zu exceeds the SVM allocation", size));
	}
	if (!host_ptr && (flags & (CL_MEM_USE_HOST_PTR | CL_MEM_COPY_HOST_PTR)))
		return svmgpu_fail(errcode_ret,
				   SVMGPU_ERR(CL_INVALID_HOST_PTR,
					      "USE_HOST_PTR or COPY_HOST_PTR without host_ptr"));
	if (host_ptr && !(flags & (CL_MEM_USE_HOST_PTR | CL_MEM_COPY_HOST_PTR)))
		return svmgpu_fail(errcode_ret,
				   SVMGPU_ERR(CL_INVALID_HOST_PTR,
					      "host_ptr without USE_HOST_PTR or COPY_HOST_PTR"));

	/* No access qualifier means CL_MEM_READ_WRITE, and CL_MEM_FLAGS says so
	 * (as pocl and the other implementations do). */
	if (!(flags & ACCESS_FLAGS))
		flags |= CL_MEM_READ_WRITE;
	m = mem_new(ctx, flags, size);
	if (!m)
		return svmgpu_fail(errcode_ret, CL_OUT_OF_HOST_MEMORY);
	if (props) {
		m->props[0] = 0;
		m->props_len = 1;
	}
	if (flags & CL_MEM_USE_HOST_PTR) {
		cl_device_id md = svmgpu_context_mem_device(ctx);

		m->host_ptr = host_ptr;
		m->data = host_ptr;
		m->uses_svm_pointer = in_svm;
		/* Devices that cannot reach all host memory register it (or
		 * refuse the buffer as a kernel argument later). */
		if (!in_svm && md && md->ops->register_host &&
		    md->ops->register_host(md, host_ptr, size))
			m->registered_with = md;
	} else {
		void *p = storage_alloc(ctx, size);

		if (!p) {
			pthread_mutex_destroy(&m->lock);
			free(m);
			return svmgpu_fail(errcode_ret,
					   SVMGPU_ERR(CL_MEM_OBJECT_ALLOCATION_FAILURE,
						      "cannot allocate %zu bytes", size));
		}
		m->data = p;
		m->owns_data = true;
		if (flags & CL_MEM_COPY_HOST_PTR)
			memcpy(m->data, host_ptr, size);
	}
	svmgpu_context_retain(ctx);
	svmgpu_set_err(errcode_ret, CL_SUCCESS);
	return m;
}

SVMGPU_API cl_mem CL_API_CALL clCreateBuffer(cl_context context, cl_mem_flags flags, size_t size,
					     void *host_ptr, cl_int *errcode_ret)
{
	return create_buffer(context, NULL, flags, size, host_ptr, errcode_ret);
}

SVMGPU_API cl_mem CL_API_CALL clCreateBufferWithProperties(cl_context context,
							   const cl_mem_properties *properties,
							   cl_mem_flags flags, size_t size,
							   void *host_ptr, cl_int *errcode_ret)
{
	return create_buffer(context, properties, flags, size, host_ptr, errcode_ret);
}

/* The sub-buffer flag rules: no host pointer flags, and no access that the
 * parent forbids; what is not given is inherited. */
static cl_int sub_flags(cl_mem parent, cl_mem_flags flags, cl_mem_flags *out)
{
	cl_mem_flags pf = parent->flags;
	cl_int err = check_flags(flags);

	if (err)
		return err;
	if (flags & PTR_FLAGS)
		return SVMGPU_ERR(CL_INVALID_VALUE, "host pointer flags are inherited, "
				  "not given, for a sub-buffer");
	if ((pf & CL_MEM_WRITE_ONLY) && (flags & (CL_MEM_READ_WRITE | CL_MEM_READ_ONLY)))
		return SVMGPU_ERR(CL_INVALID_VALUE, "the parent is WRITE_ONLY");
	if ((pf & CL_MEM_READ_ONLY) && (flags & (CL_MEM_READ_WRITE | CL_MEM_WRITE_ONLY)))
		return SVMGPU_ERR(CL_INVALID_VALUE, "the parent is READ_ONLY");
	if ((pf & CL_MEM_HOST_WRITE_ONLY) && (flags & CL_MEM_HOST_READ_ONLY))
		return SVMGPU_ERR(CL_INVALID_VALUE, "the parent is HOST_WRITE_ONLY");
	if ((pf & CL_MEM_HOST_READ_ONLY) && (flags & CL_MEM_HOST_WRITE_ONLY))
		return SVMGPU_ERR(CL_INVALID_VALUE, "the parent is HOST_READ_ONLY");
	if ((pf & CL_MEM_HOST_NO_ACCESS) && (flags & (CL_MEM_HOST_READ_ONLY |
						      CL_MEM_HOST_WRITE_ONLY)))
		return SVMGPU_ERR(CL_INVALID_VALUE, "the parent is HOST_NO_ACCESS");
	if (!(flags & ACCESS_FLAGS))
		flags |= pf & ACCESS_FLAGS;
	if (!(flags & HOST_FLAGS))
		flags |= pf & HOST_FLAGS;
	*out = flags | (pf & PTR_FLAGS);
	return CL_SUCCESS;
}

SVMGPU_API cl_mem CL_API_CALL clCreateSubBuffer(cl_mem buffer, cl_mem_flags flags,
						cl_buffer_create_type buffer_create_type,
						const void *buffer_create_info,
						cl_int *errcode_ret)
{
	const cl_buffer_region *r = buffer_create_info;
	cl_context ctx;
	bool aligned = false;
	cl_mem m;
	cl_int err;

	if (!svmgpu_mem_valid(buffer) || buffer->type != CL_MEM_OBJECT_BUFFER)
		return svmgpu_fail(errcode_ret, SVMGPU_ERR(CL_INVALID_MEM_OBJECT,
							   "not a buffer"));
	if (buffer->parent)
		return svmgpu_fail(errcode_ret, SVMGPU_ERR(CL_INVALID_MEM_OBJECT,
							   "buffer is itself a sub-buffer"));
	err = sub_flags(buffer, flags, &flags);
	if (err)
		return svmgpu_fail(errcode_ret, err);
	if (buffer_create_type != CL_BUFFER_CREATE_TYPE_REGION)
		return svmgpu_fail(errcode_ret,
				   SVMGPU_ERR(CL_INVALID_VALUE, "unknown buffer_create_type 0x%x",
					      buffer_create_type));
	if (!r)
		return svmgpu_fail(errcode_ret, SVMGPU_ERR(CL_INVALID_VALUE,
							   "buffer_create_info is NULL"));
	if (r->size == 0)
		return svmgpu_fail(errcode_ret, SVMGPU_ERR(CL_INVALID_BUFFER_SIZE,
							   "region size is 0"));
	if (r->origin > buffer->size || r->size > buffer->size - r->origin)
		return svmgpu_fail(errcode_ret,
				   SVMGPU_ERR(CL_INVALID_VALUE,
					      "region %zu+%zu is outside the %zu-byte buffer",
					      r->origin, r->size, buffer->size));
	ctx = buffer->context;
	for (cl_uint i = 0; i < ctx->num_devices && !aligned; i++) {
		size_t a = ctx->devices[i]->mem_base_addr_align / 8;

		aligned = a <= 1 || r->origin % a == 0;
	}
	if (!aligned)
		return svmgpu_fail(errcode_ret,
				   SVMGPU_ERR(CL_MISALIGNED_SUB_BUFFER_OFFSET,
					      "origin %zu fits no device's base address alignment",
					      r->origin));

	m = mem_new(ctx, flags, r->size);
	if (!m)
		return svmgpu_fail(errcode_ret, CL_OUT_OF_HOST_MEMORY);
	m->parent = buffer;
	m->origin = r->origin;
	m->data = buffer->data + r->origin;
	if (buffer->host_ptr)
		m->host_ptr = (char *)buffer->host_ptr + r->origin;
	m->uses_svm_pointer = buffer->uses_svm_pointer;
	svmgpu_mem_retain(buffer);
	svmgpu_context_retain(ctx);
	svmgpu_set_err(errcode_ret, CL_SUCCESS);
	return m;
}

void svmgpu_mem_retain(cl_mem m)
{
	svmgpu_object_retain(m);
}

void svmgpu_mem_release(cl_mem m)
{
	struct svmgpu_mem_dtor *d, *next;
	cl_mem parent;
	cl_context ctx;

	if (!svmgpu_object_release(m))
		return;
	/* Before the callbacks: they may free the application's memory. */
	if (m->registered_with)
		m->registered_with->ops->unregister_host(m->registered_with, m->host_ptr);
	/* The list is kept newest first: the specification's reverse order. The
	 * callbacks run before the storage goes, so that they may reuse it. */
	for (d = m->dtors; d; d = next) {
		next = d->next;
		d->fn(m, d->user_data);
		free(d);
	}
	svmgpu_map_forget(m);
	if (m->owns_data)
		storage_free(m->context, m->data, m->size);
	parent = m->parent;
	ctx = m->context;
	pthread_mutex_destroy(&m->lock);
	free(m);
	if (parent)
		svmgpu_mem_release(parent);
	svmgpu_context_release(ctx);
}

SVMGPU_API cl_int CL_API_CALL clRetainMemObject(cl_mem memobj)
{
	if (!svmgpu_mem_valid(memobj))
		return SVMGPU_ERR(CL_INVALID_MEM_OBJECT, "bad memory object");
	svmgpu_mem_retain(memobj);
	return CL_SUCCESS;
}

SVMGPU_API cl_int CL_API_CALL clReleaseMemObject(cl_mem memobj)
{
	if (!svmgpu_mem_valid(memobj))
		return SVMGPU_ERR(CL_INVALID_MEM_OBJECT, "bad memory object");
	svmgpu_mem_release(memobj);
	return CL_SUCCESS;
}

SVMGPU_API cl_int CL_API_CALL clSetMemObjectDestructorCallback(
	cl_mem memobj, void(CL_CALLBACK *pfn_notify)(cl_mem, void *), void *user_data)
{
	struct svmgpu_mem_dtor *d;

	if (!svmgpu_mem_valid(memobj))
		return SVMGPU_ERR(CL_INVALID_MEM_OBJECT, "bad memory object");
	if (!pfn_notify)
		return SVMGPU_ERR(CL_INVALID_VALUE, "pfn_notify is NULL");
	d = malloc(sizeof(*d));
	if (!d)
		return CL_OUT_OF_HOST_MEMORY;
	d->fn = pfn_notify;
	d->user_data = user_data;
	pthread_mutex_lock(&memobj->lock);
	d->next = memobj->dtors;
	memobj->dtors = d;
	pthread_mutex_unlock(&memobj->lock);
	return CL_SUCCESS;
}

SVMGPU_API cl_int CL_API_CALL clGetMemObjectInfo(cl_mem memobj, cl_mem_info param_name,
						 size_t param_value_size, void *param_value,
						 size_t *param_value_size_ret)
{
	cl_mem m = memobj;

	if (!svmgpu_mem_valid(m))
		return SVMGPU_ERR(CL_INVALID_MEM_OBJECT, "bad memory object");
	switch (param_name) {
	case CL_MEM_TYPE:
		SVMGPU_INFO_VAL(cl_mem_object_type, m->type);
	case CL_MEM_FLAGS:
		SVMGPU_INFO_VAL(cl_mem_flags, m->flags);
	case CL_MEM_SIZE:
		SVMGPU_INFO_VAL(size_t, m->size);
	case CL_MEM_HOST_PTR:
		SVMGPU_INFO_VAL(void *, m->host_ptr);
	case CL_MEM_MAP_COUNT:
		SVMGPU_INFO_VAL(cl_uint, atomic_load(&m->map_count));
	case CL_MEM_REFERENCE_COUNT:
		SVMGPU_INFO_VAL(cl_uint, svmgpu_object_refcount(m));
	case CL_MEM_CONTEXT:
		SVMGPU_INFO_VAL(cl_context, m->context);
	case CL_MEM_ASSOCIATED_MEMOBJECT:
		SVMGPU_INFO_VAL(cl_mem, m->parent);
	case CL_MEM_OFFSET:
		SVMGPU_INFO_VAL(size_t, m->origin);
	case CL_MEM_USES_SVM_POINTER:
		SVMGPU_INFO_VAL(cl_bool, m->uses_svm_pointer ? CL_TRUE : CL_FALSE);
	case CL_MEM_PROPERTIES:
		return svmgpu_info(param_value_size, param_value, param_value_size_ret, m->props,
				   m->props_len * sizeof(m->props[0]));
	default:
		return SVMGPU_ERR(CL_INVALID_VALUE, "unknown param_name 0x%x", param_name);
	}
}
