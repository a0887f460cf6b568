// SPDX-License-Identifier: MIT
/* clBuildProgram, clCompileProgram and clLinkProgram through the compiler
 * (compiler/compiler.h).
 *
 * Builds run synchronously in the calling thread; pfn_notify is called
 * before the call returns. While a build runs, or while kernel objects are
 * attached, another build of the program is refused with
 * CL_INVALID_OPERATION, as the specification says. A failed build leaves the
 * program without an executable and with the compiler's log. */
#include "compiler/compiler.h"
#include "context.h"
#include "device.h"
#include "log.h"
#include "program.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void(CL_CALLBACK *program_notify_fn)(cl_program, void *);

/* Whether work-groups must be uniform for code built with these options:
 * OpenCL C before 2.0 (the default without -cl-std for a source) and
 * -cl-uniform-work-group-size say so. */
static bool options_uniform(const char *opt, bool from_source)
{
	bool uniform = from_source;

	while (opt && *opt) {
		const char *end;

		while (isspace((unsigned char)*opt))
			opt++;
		end = opt;
		while (*end && !isspace((unsigned char)*end))
			end++;
		if ((size_t)(end - opt) == strlen("-cl-uniform-work-group-size") &&
		    !strncmp(opt, "-cl-uniform-work-group-size", (size_t)(end - opt)))
			return true;
		if (from_source && !strncmp(opt, "-cl-std=CL", strlen("-cl-std=CL")))
			uniform = atoi(opt + strlen("-cl-std=CL")) < 2;
		opt = end;
	}
	return uniform;
}

/* Starts a build, compile or link into p: refused while kernels are
 * attached or another one runs. */
static cl_int build_begin(cl_program p)
{
	cl_int err = CL_SUCCESS;

	pthread_mutex_lock(&p->lock);
	if (p->num_kernels)
		err = SVMGPU_ERR(CL_INVALID_OPERATION, "%u kernel objects are attached to the "
				 "program", p->num_kernels);
	else if (p->build_status == CL_BUILD_IN_PROGRESS)
		err = SVMGPU_ERR(CL_INVALID_OPERATION, "another build of the program runs");
	else
		p->build_status = CL_BUILD_IN_PROGRESS;
	pthread_mutex_unlock(&p->lock);
	return err;
}

/* What the compiler produced; build_end takes every pointer. */
struct build_result {
	cl_int err;
	char *log;
	struct svmgpu_module *modules[SVMGPU_ISA_COUNT];
	void *object;
	size_t object_size;
	cl_program_binary_type object_type;
	bool uniform;
	bool keep_exe; /* a loaded binary: the executable the program holds stays */
};

static void free_modules(struct build_result *r)
{
	for (int i = 0; i < SVMGPU_ISA_COUNT; i++) {
		svmgpu_module_free(r->modules[i]);
		r->modules[i] = NULL;
	}
}

/* The architecture to build isa for: that of the last such device ("sm_90"). */
static const char *isa_arch(cl_uint n, const cl_device_id *devs, enum svmgpu_isa isa)
{
	const char *arch = "";

	for (cl_uint i = 0; i < n; i++)
		if (devs[i]->isa == isa)
			arch = devs[i]->arch;
	return arch;
}

/* Source to a module for every ISA the program's devices run; the logs
 * one after another. */
static void build_source(cl_program p, const char *options, struct build_result *r)
{
	unsigned isas = svmgpu_program_isas(p);

	for (int isa = 0; isa < SVMGPU_ISA_COUNT && !r->err; isa++) {
		const char *arch = isa_arch(p->num_devices, p->devices, (enum svmgpu_isa)isa);
		char *log = NULL;

		if (!(isas & (1u << isa)))
			continue;
		r->err = svmgpu_compile(p->source, options, (enum svmgpu_isa)isa, arch,
					&r->modules[isa], &log);
		if (!r->err && !r->modules[isa])
			r->err = CL_BUILD_PROGRAM_FAILURE;
		svmgpu_log_join(&r->log, log);
	}
}

/* Ends a build: the result (or nothing, on failure) replaces what the
 * program held. Returns r->err, or CL_OUT_OF_HOST_MEMORY. */
static cl_int build_end(cl_program p, const char *options, struct build_result *r)
{
	char *opt = strdup(options ? options : ""), *log = r->log ? r->log : strdup("");
	struct svmgpu_exe *exe = NULL, *old_exe;
	char *names = NULL, *old_names, *old_opt, *old_log;
	void *old_obj;
	cl_int err = r->err;

	bool any = false;

	for (int i = 0; i < SVMGPU_ISA_COUNT; i++)
		any |= r->modules[i] != NULL;
	if (!err && any) {
		exe = svmgpu_exe_new(r->modules, r->uniform);
		names = exe ? svmgpu_kernel_names(exe->module) : NULL;
		if (!names) {
			if (exe)
				svmgpu_exe_release(exe);
			else
				free_modules(r);
			exe = NULL;
			err = SVMGPU_ERR(CL_OUT_OF_HOST_MEMORY, "no memory for the executable");
		}
	} else {
		free_modules(r);
	}
	if (err) {
		free(r->object);
		r->object = NULL;
	}
	if (!opt || !log)
		err = SVMGPU_ERR(CL_OUT_OF_HOST_MEMORY, "no memory for the build log");

	pthread_mutex_lock(&p->lock);
	old_exe = p->exe;
	old_obj = p->object;
	old_names = p->kernel_names;
	old_opt = p->options;
	old_log = p->log;
	p->options = opt;
	p->log = log;
	if (r->keep_exe && !err) {
		p->build_status = CL_BUILD_SUCCESS;
		pthread_mutex_unlock(&p->lock);
		free(old_opt);
		free(old_log);
		return CL_SUCCESS;
	}
	p->exe = err ? NULL : exe;
	p->kernel_names = err ? NULL : names;
	p->object = err ? NULL : r->object;
	p->object_size = err ? 0 : r->object_size;
	p->uniform_wg = r->uniform;
	p->build_status = err ? CL_BUILD_ERROR : CL_BUILD_SUCCESS;
	p->binary_type = err ? CL_PROGRAM_BINARY_TYPE_NONE
		       : exe ? CL_PROGRAM_BINARY_TYPE_EXECUTABLE : r->object_type;
	pthread_mutex_unlock(&p->lock);

	if (err) {
		svmgpu_exe_release(exe);
		free(names);
		free(r->object);
	}
	svmgpu_exe_release(old_exe);
	free(old_obj);
	free(old_names);
	free(old_opt);
	free(old_log);
	return err;
}

/* The checks clBuildProgram and clCompileProgram share. */
static cl_int check_build_args(cl_program program, cl_uint num_devices,
			       const cl_device_id *device_list, program_notify_fn pfn_notify,
			       void *user_data)
{
	if (!svmgpu_program_valid(program))
		return SVMGPU_ERR(CL_INVALID_PROGRAM, "%p is not a program", (void *)program);
	if (!device_list != !num_devices)
		return SVMGPU_ERR(CL_INVALID_VALUE, "device_list %p, num_devices %u",
				  (void *)device_list, num_devices);
	for (cl_uint i = 0; i < num_devices; i++)
		if (!svmgpu_program_has_device(program, device_list[i]))
			return SVMGPU_ERR(CL_INVALID_DEVICE, "device_list[%u] = %p is not a device "
					  "of the program", i, (void *)device_list[i]);
	if (!pfn_notify && user_data)
		return SVMGPU_ERR(CL_INVALID_VALUE, "user_data without pfn_notify");
	return CL_SUCCESS;
}

/* clBuildProgram of a binary: an executable is ready as it is; an object or
 * a library is linked alone. A failed link leaves no binary behind. */
static void build_binary(cl_program p, const char *options, struct build_result *r)
{
	const void *obj;
	size_t size;
	void *lib = NULL;
	size_t lib_size = 0;

	r->uniform = options_uniform(options, false);
	pthread_mutex_lock(&p->lock);
	obj = p->object;
	size = p->object_size;
	r->keep_exe = p->exe != NULL;
	if (p->exe)
		p->exe->uniform_wg = r->uniform; /* no kernel uses it: none is attached */
	pthread_mutex_unlock(&p->lock);
	if (r->keep_exe)
		return;
	if (!obj) {
		r->err = SVMGPU_ERR(CL_INVALID_BINARY, "the program's binary failed to build "
				    "before");
		return;
	}
	/* obj stays: the program is CL_BUILD_IN_PROGRESS, nothing else replaces it. */
	r->err = svmgpu_link(1, &obj, &size, "", svmgpu_program_isas(p),
			     isa_arch(p->num_devices, p->devices, SVMGPU_ISA_PTX), r->modules, &lib,
			     &lib_size, &r->log);
	free(lib);
	if (r->err == CL_LINK_PROGRAM_FAILURE || r->err == CL_INVALID_OPERATION)
		r->err = CL_BUILD_PROGRAM_FAILURE;
	else if (r->err == CL_LINKER_NOT_AVAILABLE)
		r->err = CL_COMPILER_NOT_AVAILABLE;
}

SVMGPU_API cl_int CL_API_CALL clBuildProgram(cl_program program, cl_uint num_devices,
					     const cl_device_id *device_list, const char *options,
					     program_notify_fn pfn_notify, void *user_data)
{
	struct build_result r = {0};
	cl_int err = check_build_args(program, num_devices, device_list, pfn_notify, user_data);

	if (err)
		return err;
	if (program->origin == SVMGPU_PROGRAM_LINKED)
		return SVMGPU_ERR(CL_INVALID_OPERATION, "program was created by clLinkProgram");
	err = build_begin(program);
	if (err)
		return err;
	if (program->origin == SVMGPU_PROGRAM_FROM_SOURCE) {
		build_source(program, options ? options : "", &r);
		r.uniform = options_uniform(options, true);
	} else {
		build_binary(program, options, &r);
	}
	err = build_end(program, options, &r);
	/* The build is over, successfully or not: tell whoever waits for it. */
	if (pfn_notify)
		pfn_notify(program, user_data);
	if (err)
		return SVMGPU_ERR(err, "the build failed (see the build log)");
	return CL_SUCCESS;
}

SVMGPU_API cl_int CL_API_CALL clCompileProgram(cl_program program, cl_uint num_devices,
					       const cl_device_id *device_list,
					       const char *options, cl_uint num_input_headers,
					       const cl_program *input_headers,
					       const char **header_include_names,
					       program_notify_fn pfn_notify, void *user_data)
{
	struct build_result r = {.object_type = CL_PROGRAM_BINARY_TYPE_COMPILED_OBJECT};
	struct svmgpu_header *hdrs = NULL;
	cl_int err = check_build_args(program, num_devices, device_list, pfn_notify, user_data);

	if (err)
		return err;
	if (num_input_headers == 0 && (input_headers || header_include_names))
		return SVMGPU_ERR(CL_INVALID_VALUE, "headers given with num_input_headers 0");
	if (num_input_headers && (!input_headers || !header_include_names))
		return SVMGPU_ERR(CL_INVALID_VALUE, "%u headers but input_headers %p, names %p",
				  num_input_headers, (void *)input_headers,
				  (void *)header_include_names);
	for (cl_uint i = 0; i < num_input_headers; i++) {
		if (!svmgpu_program_valid(input_headers[i]))
			return SVMGPU_ERR(CL_INVALID_PROGRAM, "input_headers[%u] = %p is not a "
					  "program", i, (void *)input_headers[i]);
		if (!header_include_names[i])
			return SVMGPU_ERR(CL_INVALID_VALUE, "header_include_names[%u] is NULL", i);
	}
	if (!program->source)
		return SVMGPU_ERR(CL_INVALID_OPERATION, "program was not created from source");
	if (num_input_headers) {
		hdrs = calloc(num_input_headers, sizeof(*hdrs));
		if (!hdrs)
			return SVMGPU_ERR(CL_OUT_OF_HOST_MEMORY, "headers");
		/* A header program's source never changes once created. */
		for (cl_uint i = 0; i < num_input_headers; i++) {
			hdrs[i].name = header_include_names[i];
			hdrs[i].source = input_headers[i]->source ? input_headers[i]->source : "";
		}
	}
	err = build_begin(program);
	if (err) {
		free(hdrs);
		return err;
	}
	/* For the devices listed (all of the program's when none are). */
	r.err = svmgpu_compile_object(program->source, options ? options : "",
				      num_devices ? svmgpu_devices_isas(num_devices, device_list)
						  : svmgpu_program_isas(program),
				      num_input_headers, hdrs, &r.object, &r.object_size, &r.log);
	r.uniform = options_uniform(options, true);
	if (!r.err && !r.object)
		r.err = CL_COMPILE_PROGRAM_FAILURE;
	free(hdrs);
	err = build_end(program, options, &r);
	if (pfn_notify)
		pfn_notify(program, user_data);
	if (err)
		return SVMGPU_ERR(err, "the compilation failed (see the build log)");
	return CL_SUCCESS;
}

static cl_int check_link_args(cl_context context, cl_uint num_devices,
			      const cl_device_id *device_list, cl_uint num_input_programs,
			      const cl_program *input_programs, program_notify_fn pfn_notify,
			      void *user_data)
{
	cl_int err;

	if (!svmgpu_context_valid(context))
		return SVMGPU_ERR(CL_INVALID_CONTEXT, "%p is not a context", (void *)context);
	err = svmgpu_check_device_list(context, num_devices, device_list, false);
	if (err)
		return err;
	if (num_input_programs == 0 || !input_programs)
		return SVMGPU_ERR(CL_INVALID_VALUE, "num_input_programs %u, input_programs %p",
				  num_input_programs, (void *)input_programs);
	for (cl_uint i = 0; i < num_input_programs; i++)
		if (!svmgpu_program_valid(input_programs[i]) ||
		    input_programs[i]->context != context)
			return SVMGPU_ERR(CL_INVALID_PROGRAM, "input_programs[%u] = %p is not a "
					  "program of the context", i, (void *)input_programs[i]);
	if (!pfn_notify && user_data)
		return SVMGPU_ERR(CL_INVALID_VALUE, "user_data without pfn_notify");
	return CL_SUCCESS;
}

static bool has_option(const char *options, const char *opt)
{
	size_t n = strlen(opt);

	for (const char *s = options; s && (s = strstr(s, opt)); s += n)
		if ((s == options || isspace((unsigned char)s[-1])) &&
		    (!s[n] || isspace((unsigned char)s[n])))
			return true;
	return false;
}

/* Copies of the inputs' objects (a concurrent rebuild of an input may free
 * its own), in objs[]/sizes[]; *uniform when any input needs uniform groups. */
static cl_int gather_objects(cl_uint n, const cl_program *in, void **objs, size_t *sizes,
			     bool *uniform)
{
	for (cl_uint i = 0; i < n; i++) {
		cl_program p = in[i];
		cl_int err = CL_SUCCESS;

		pthread_mutex_lock(&p->lock);
		if (p->build_status == CL_BUILD_IN_PROGRESS)
			err = SVMGPU_ERR(CL_INVALID_OPERATION, "input_programs[%u] is being built",
					 i);
		else if (!p->object)
			err = SVMGPU_ERR(CL_INVALID_OPERATION, "input_programs[%u] holds no "
					 "compiled object or library", i);
		else if (!(objs[i] = malloc(p->object_size)))
			err = SVMGPU_ERR(CL_OUT_OF_HOST_MEMORY, "object copy");
		if (!err) {
			memcpy(objs[i], p->object, p->object_size);
			sizes[i] = p->object_size;
			*uniform |= p->uniform_wg;
		}
		pthread_mutex_unlock(&p->lock);
		if (err)
			return err;
	}
	return CL_SUCCESS;
}

SVMGPU_API cl_program CL_API_CALL clLinkProgram(cl_context context, cl_uint num_devices,
						const cl_device_id *device_list,
						const char *options, cl_uint num_input_programs,
						const cl_program *input_programs,
						program_notify_fn pfn_notify, void *user_data,
						cl_int *errcode_ret)
{
	struct build_result r = {.object_type = CL_PROGRAM_BINARY_TYPE_LIBRARY};
	void **objs = NULL;
	size_t *sizes = NULL;
	cl_program p = NULL;
	cl_int err = check_link_args(context, num_devices, device_list, num_input_programs,
				     input_programs, pfn_notify, user_data);
	cl_uint ndev = num_devices ? num_devices : context->num_devices;
	const cl_device_id *devs = num_devices ? device_list : context->devices;

	if (err)
		return svmgpu_fail(errcode_ret, err);
	if (has_option(options, "-enable-link-options") &&
	    !has_option(options, "-create-library"))
		return svmgpu_fail(errcode_ret, SVMGPU_ERR(CL_INVALID_LINKER_OPTIONS,
				   "-enable-link-options needs -create-library"));
	objs = calloc(num_input_programs, sizeof(*objs));
	sizes = calloc(num_input_programs, sizeof(*sizes));
	err = objs && sizes ? gather_objects(num_input_programs, input_programs, objs, sizes,
					     &r.uniform)
			    : SVMGPU_ERR(CL_OUT_OF_HOST_MEMORY, "link inputs");
	if (!err) {
		r.err = svmgpu_link(num_input_programs, (const void *const *)objs, sizes,
				    options ? options : "", svmgpu_devices_isas(ndev, devs),
				    isa_arch(ndev, devs, SVMGPU_ISA_PTX), r.modules, &r.object,
				    &r.object_size, &r.log);
		if (r.err == CL_COMPILER_NOT_AVAILABLE)
			r.err = CL_LINKER_NOT_AVAILABLE;
		/* Nothing was linked: no program results. */
		if (r.err == CL_INVALID_LINKER_OPTIONS || r.err == CL_LINKER_NOT_AVAILABLE ||
		    r.err == CL_OUT_OF_HOST_MEMORY || r.err == CL_INVALID_OPERATION)
			err = SVMGPU_ERR(r.err, "the link could not begin: %s",
					 r.log ? r.log : "");
	}
	for (cl_uint i = 0; objs && i < num_input_programs; i++)
		free(objs[i]);
	free(objs);
	free(sizes);
	if (err) {
		free_modules(&r);
		free(r.object);
		free(r.log);
		return svmgpu_fail(errcode_ret, err);
	}
	p = svmgpu_program_new(context, ndev, devs, SVMGPU_PROGRAM_LINKED, &err);
	if (!p) {
		r.err = err;
		free_modules(&r);
		free(r.object);
		free(r.log);
		return svmgpu_fail(errcode_ret, err);
	}
	err = build_end(p, options, &r);
	if (pfn_notify)
		pfn_notify(p, user_data);
	if (err == CL_OUT_OF_HOST_MEMORY) {
		clReleaseProgram(p);
		return svmgpu_fail(errcode_ret, err);
	}
	/* A failed link still makes a program: its build log says why. */
	svmgpu_set_err(errcode_ret, err ? SVMGPU_ERR(CL_LINK_PROGRAM_FAILURE, "the link failed "
						     "(see the build log)") : CL_SUCCESS);
	return p;
}
