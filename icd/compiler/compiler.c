// SPDX-License-Identifier: MIT
/* The compiler's entry points: build (with the on-disk cache), compile,
 * link, and loading executables into the process. */
#include "binary.h"
#include "builtins_path.h"
#include "codegen.h"
#include "frontend.h"
#include "log.h"
#include "program_cache.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool svmgpu_compiler_available_for(enum svmgpu_isa isa)
{
	size_t size;

	if (isa == SVMGPU_ISA_PTX)
		return svmgpu_codegen_ptx_available();
	return svmgpu_builtins_bitcode(&size) != NULL && svmgpu_codegen_available();
}

static cl_int option_error(enum svmgpu_option_set set, char *bad, char **log)
{
	if (log && asprintf(log, "svmgpu: invalid option \"%s\"\n", bad ? bad : "") < 0)
		*log = NULL;
	free(bad);
	return set == SVMGPU_OPTIONS_COMPILE ? CL_INVALID_COMPILER_OPTIONS
	       : set == SVMGPU_OPTIONS_LINK  ? CL_INVALID_LINKER_OPTIONS
					     : CL_INVALID_BUILD_OPTIONS;
}

/* An object file to a shared object, with the system linker through the
 * clang driver. */
static cl_int link_shared(const void *obj, size_t obj_size, void **so, size_t *so_size,
			  char **log)
{
	char *dir = svmgpu_make_temp_dir("link");
	char in[4200], out[4200], *err = NULL;
	char *argv[] = {(char *)svmgpu_clang_path(), "-shared", "-o", out, in, "-lm", NULL};
	FILE *f;
	int rc;

	if (!dir) {
		char *why;

		if (asprintf(&why, "svmgpu: cannot make a directory in %s for the linker: %s\n",
			     svmgpu_tmpdir(), strerror(errno)) >= 0)
			svmgpu_log_join(log, why);
		return CL_BUILD_PROGRAM_FAILURE;
	}
	snprintf(in, sizeof(in), "%s/program.o", dir);
	snprintf(out, sizeof(out), "%s/program.so", dir);
	f = fopen(in, "wb");
	rc = f && fwrite(obj, 1, obj_size, f) == obj_size ? 0 : -1;
	if (f)
		fclose(f);
	if (rc == 0)
		rc = svmgpu_run_tool(argv, NULL, 0, NULL, NULL, &err);
	*so = NULL;
	if (rc == 0) {
		f = fopen(out, "rb");
		if (f) {
			struct stat st;

			if (!fstat(fileno(f), &st) && (*so = malloc((size_t)st.st_size + 1)) &&
			    fread(*so, 1, (size_t)st.st_size, f) == (size_t)st.st_size) {
				*so_size = (size_t)st.st_size;
			} else {
				free(*so);
				*so = NULL;
			}
			fclose(f);
		}
	} else if (log && err) {
		char *joined;

		if (asprintf(&joined, "%ssvmgpu: linking the program failed:\n%s",
			     *log ? *log : "", err) >= 0) {
			free(*log);
			*log = joined;
		}
	}
	free(err);
	unlink(in);
	unlink(out);
	rmdir(dir);
	free(dir);
	return *so ? CL_SUCCESS : CL_BUILD_PROGRAM_FAILURE;
}

void svmgpu_module_free(struct svmgpu_module *m)
{
	if (!m)
		return;
	if (m->handle)
		dlclose(m->handle);
	if (m->dev)
		m->dev->free(m->dev);
	svmgpu_kernel_meta_free(m->kernels, m->num_kernels);
	free(m->binary);
	free(m);
}

/* Says why a compiled program did not load: in the build log, if any, and on
 * stderr under SVMGPU_DEBUG. */
__attribute__((format(printf, 2, 3))) static void load_error(char **log, const char *fmt, ...)
{
	char *why, *line;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&why, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (svmgpu_debug_enabled)
		svmgpu_log("svmgpu: loading a program failed: %s\n", why);
	if (log && asprintf(&line, "svmgpu: the compiled program did not load: %s\n", why) >= 0)
		svmgpu_log_join(log, line);
	free(why);
}

/* dlopen needs a file: each load gets a file of its own (a shared path would
 * make the loader hand back an earlier module), removed right after; in
 * $TMPDIR if set (where /tmp is mounted noexec, dlopen refuses what is
 * there), else /tmp. */
static void *load_shared(const void *so, size_t size, char **log)
{
	char *path;
	int fd;
	void *h = NULL;
	const char *p = so;
	size_t left = size;
	int werr = 0;

	if (asprintf(&path, "%s/svmgpu-program-XXXXXX.so", svmgpu_tmpdir()) < 0) {
		load_error(log, "out of host memory");
		return NULL;
	}
	fd = mkstemps(path, 3);
	if (fd < 0) {
		load_error(log, "cannot create %s: %s", path, strerror(errno));
		free(path);
		return NULL;
	}
	while (left) {
		ssize_t w = write(fd, p, left);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			werr = w < 0 ? errno : ENOSPC;
			break;
		}
		p += w;
		left -= (size_t)w;
	}
	close(fd);
	if (left)
		load_error(log, "cannot write %s: %s", path, strerror(werr));
	else if (!(h = dlopen(path, RTLD_NOW | RTLD_LOCAL)))
		load_error(log, "%s", dlerror());
	unlink(path);
	free(path);
	return h;
}

/* A PTX module: the text must be NUL-terminated and name its target. */
static cl_int ptx_module(struct svmgpu_module *m, const void *ptx, size_t size,
			 struct svmgpu_module **out)
{
	const char *text = ptx, *target;

	m->isa = SVMGPU_ISA_PTX;
	if (!size || text[size - 1] || !(target = strstr(text, "\n.target "))) {
		svmgpu_module_free(m);
		return CL_INVALID_BINARY;
	}
	sscanf(target + 9, "%15[a-z0-9_]", m->arch);
	m->ptx = text;
	*out = m;
	return CL_SUCCESS;
}

/* Takes ownership of binary. Why it failed goes to *log when log is not
 * NULL (a build's log), and to stderr under SVMGPU_DEBUG. */
static cl_int module_from_binary(void *binary, size_t size, struct svmgpu_module **out,
				 char **log)
{
	struct svmgpu_module *m = calloc(1, sizeof(*m));
	const void *so;
	size_t so_size;

	*out = NULL;
	if (!m) {
		free(binary);
		return CL_OUT_OF_HOST_MEMORY;
	}
	m->binary = binary;
	m->binary_size = size;
	switch (svmgpu_binary_unpack(binary, size, &m->kernels, &m->num_kernels, &m->globals_size,
				     &so, &so_size)) {
	case SVMGPU_BINARY_PTX:
		return ptx_module(m, so, so_size, out);
	case SVMGPU_BINARY_EXECUTABLE:
		break;
	default:
		goto invalid;
	}
	m->handle = load_shared(so, so_size, log);
	if (!m->handle)
		goto invalid;
	for (uint32_t i = 0; i < m->num_kernels; i++) {
		char *name; /* kernel names have no length limit */

		if (asprintf(&name, "%s%s",
			     m->kernels[i].uses_barrier ? SVMGPU_LAUNCH_WI_PREFIX
							: SVMGPU_LAUNCH_WG_PREFIX,
			     m->kernels[i].name) < 0) {
			svmgpu_module_free(m);
			return CL_OUT_OF_HOST_MEMORY;
		}
		*(void **)&m->kernels[i].launcher = dlsym(m->handle, name);
		free(name);
		if (!m->kernels[i].launcher) {
			load_error(log, "the launcher of kernel %s is missing", m->kernels[i].name);
			goto invalid;
		}
	}
	*out = m;
	return CL_SUCCESS;
invalid:
	svmgpu_module_free(m);
	return CL_INVALID_BINARY;
}

cl_int svmgpu_module_load(const void *binary, size_t size, struct svmgpu_module **out)
{
	void *copy;

	enum svmgpu_binary_kind kind = svmgpu_binary_kind(binary, size);

	if (kind != SVMGPU_BINARY_EXECUTABLE && kind != SVMGPU_BINARY_PTX)
		return CL_INVALID_BINARY;
	copy = malloc(size);
	if (!copy)
		return CL_OUT_OF_HOST_MEMORY;
	memcpy(copy, binary, size);
	return module_from_binary(copy, size, out, NULL);
}

/* Objects to an executable binary. */
static cl_int build_executable(size_t n, const void *const *bcs, const size_t *sizes,
			       bool optimize, void **binary, size_t *binary_size, char **log)
{
	struct svmgpu_kernel_meta *k;
	uint32_t nk;
	uint64_t globals = 0;
	void *obj, *so;
	size_t obj_size, so_size;
	cl_int err;

	err = svmgpu_codegen(n, bcs, sizes, optimize, &k, &nk, &obj, &obj_size, &globals, log);
	if (err)
		return err;
	err = link_shared(obj, obj_size, &so, &so_size, log);
	free(obj);
	if (!err) {
		*binary = svmgpu_binary_pack(SVMGPU_BINARY_EXECUTABLE, k, nk, globals, so, so_size,
					     binary_size);
		free(so);
		if (!*binary)
			err = CL_OUT_OF_HOST_MEMORY;
	}
	svmgpu_kernel_meta_free(k, nk);
	return err;
}

static cl_int build_ptx(size_t n, const void *const *bcs, const size_t *sizes, bool optimize,
			const char *arch, void **binary, size_t *binary_size, char **log)
{
	struct svmgpu_kernel_meta *k;
	uint32_t nk;
	uint64_t globals = 0;
	char *ptx;
	size_t ptx_size;
	cl_int err;

	err = svmgpu_codegen_ptx(n, bcs, sizes, optimize, arch, &k, &nk, &ptx, &ptx_size,
				 &globals, log);
	if (err)
		return err;
	*binary = svmgpu_binary_pack(SVMGPU_BINARY_PTX, k, nk, globals, ptx, ptx_size + 1,
				     binary_size);
	free(ptx);
	svmgpu_kernel_meta_free(k, nk);
	return *binary ? CL_SUCCESS : CL_OUT_OF_HOST_MEMORY;
}

cl_int svmgpu_compile(const char *source, const char *options, enum svmgpu_isa isa,
		      const char *arch, struct svmgpu_module **out, char **log)
{
	struct svmgpu_options o;
	char *bad, key[64];
	void *bc = NULL, *binary = NULL;
	size_t bc_size, binary_size;
	cl_int err;

	*out = NULL;
	if (log)
		*log = NULL;
	err = svmgpu_options_parse(options, SVMGPU_OPTIONS_BUILD, &o, &bad);
	if (err)
		return err == CL_INVALID_BUILD_OPTIONS ? option_error(SVMGPU_OPTIONS_BUILD, bad, log)
						       : err;
	o.isa = isa;
	/* A cached build needs no compiler: look there first. */
	if (isa == SVMGPU_ISA_PTX)
		svmgpu_cache_key_ptx(source, options, arch, key);
	else
		svmgpu_cache_key(source, options, key);
	binary = svmgpu_cache_get(key, &binary_size);
	if (binary && module_from_binary(binary, binary_size, out, NULL) == CL_SUCCESS) {
		svmgpu_options_free(&o);
		if (log && !*log)
			*log = strdup("");
		return CL_SUCCESS;
	}
	if (!svmgpu_compiler_available_for(isa)) {
		svmgpu_options_free(&o);
		if (log && asprintf(log, "svmgpu: no compiler for %s here (%s)\n",
				    isa == SVMGPU_ISA_PTX ? "PTX" : "the host CPU",
				    !svmgpu_codegen_available() ? "the LLVM code generator "
				    "plugin could not be loaded" : isa == SVMGPU_ISA_PTX ?
				    "libclc or svmgpu's PTX library is missing" :
				    svmgpu_builtins_path()) < 0)
			*log = NULL;
		return CL_COMPILER_NOT_AVAILABLE;
	}
	err = svmgpu_frontend(source, &o, 0, NULL, &bc, &bc_size, log);
	if (!err && isa == SVMGPU_ISA_PTX)
		err = build_ptx(1, (const void *const *)&bc, &bc_size, !o.opt_disable, arch, &binary,
				&binary_size, log);
	else if (!err)
		err = build_executable(1, (const void *const *)&bc, &bc_size, !o.opt_disable,
				       &binary, &binary_size, log);
	svmgpu_options_free(&o);
	free(bc);
	if (err)
		return err;
	svmgpu_cache_put(key, binary, binary_size);
	return module_from_binary(binary, binary_size, out, log) ? CL_BUILD_PROGRAM_FAILURE
								  : CL_SUCCESS;
}

void svmgpu_log_join(char **log, char *more)
{
	char *joined;

	if (!log || !more) {
		free(more);
		return;
	}
	if (!*log) {
		*log = more;
		return;
	}
	if (asprintf(&joined, "%s%s", *log, more) >= 0) {
		free(*log);
		*log = joined;
	}
	free(more);
}

cl_int svmgpu_compile_object(const char *source, const char *options, unsigned isas,
			     size_t num_headers, const struct svmgpu_header *headers,
			     void **object, size_t *object_size, char **log)
{
	struct svmgpu_options o;
	char *bad;
	void *bc[SVMGPU_ISA_COUNT] = {0};
	size_t bc_size[SVMGPU_ISA_COUNT] = {0};
	cl_int err;

	*object = NULL;
	if (log)
		*log = NULL;
	err = svmgpu_options_parse(options, SVMGPU_OPTIONS_COMPILE, &o, &bad);
	if (err)
		return err == CL_INVALID_BUILD_OPTIONS
			       ? option_error(SVMGPU_OPTIONS_COMPILE, bad, log)
			       : err;
	/* One front-end pass per ISA: address spaces and built-ins differ. */
	for (int isa = 0; isa < SVMGPU_ISA_COUNT && !err; isa++) {
		char *more = NULL;

		if (!(isas & 1u << isa))
			continue;
		o.isa = (enum svmgpu_isa)isa;
		err = svmgpu_frontend(source, &o, num_headers, headers, &bc[isa], &bc_size[isa],
				      log ? &more : NULL);
		svmgpu_log_join(log, more);
	}
	svmgpu_options_free(&o);
	if (!err) {
		*object = svmgpu_object_pack(SVMGPU_BINARY_OBJECT, (const void *const *)bc, bc_size,
					     object_size);
		err = *object ? CL_SUCCESS : CL_OUT_OF_HOST_MEMORY;
	}
	for (int isa = 0; isa < SVMGPU_ISA_COUNT; isa++)
		free(bc[isa]);
	return err == CL_BUILD_PROGRAM_FAILURE ? CL_COMPILE_PROGRAM_FAILURE : err;
}

/* The objects' bitcode for isa into bcs[]: CL_INVALID_OPERATION when one
 * was not compiled for it. */
static cl_int bitcode_for(size_t n, const void *const *objects, const size_t *sizes,
			  enum svmgpu_isa isa, const void **bcs, size_t *bc_sizes, char **log)
{
	for (size_t i = 0; i < n; i++) {
		if (svmgpu_object_bitcode(objects[i], sizes[i], isa, &bcs[i], &bc_sizes[i]) ==
		    SVMGPU_BINARY_INVALID)
			return CL_INVALID_BINARY;
		if (!bcs[i]) {
			if (log && asprintf(log, "svmgpu: input %zu was not compiled for %s "
					    "devices\n", i,
					    isa == SVMGPU_ISA_PTX ? "cuda" : "CPU") < 0)
				*log = NULL;
			return CL_INVALID_OPERATION;
		}
	}
	return CL_SUCCESS;
}

/* The objects linked for one ISA: an executable module, or with
 * -create-library that ISA's bitcode (*lib, malloc'd). */
static cl_int link_isa(size_t n, const void *const *objects, const size_t *sizes,
		       enum svmgpu_isa isa, const char *arch, bool library,
		       struct svmgpu_module **module, void **lib, size_t *lib_size, char **log)
{
	const void **bcs = calloc(n ? n : 1, sizeof(*bcs));
	size_t *bc_sizes = calloc(n ? n : 1, sizeof(*bc_sizes));
	void *out = NULL;
	size_t out_size;
	cl_int err = bcs && bc_sizes ? bitcode_for(n, objects, sizes, isa, bcs, bc_sizes, log)
				     : CL_OUT_OF_HOST_MEMORY;

	if (!err && library)
		err = svmgpu_codegen_link_bitcode(n, bcs, bc_sizes, lib, lib_size, log);
	else if (!err && isa == SVMGPU_ISA_PTX)
		err = build_ptx(n, bcs, bc_sizes, true, arch, &out, &out_size, log);
	else if (!err)
		err = build_executable(n, bcs, bc_sizes, true, &out, &out_size, log);
	if (!err && !library)
		err = module_from_binary(out, out_size, module, log);
	if (err == CL_BUILD_PROGRAM_FAILURE || err == CL_INVALID_BINARY)
		err = CL_LINK_PROGRAM_FAILURE;
	free(bcs);
	free(bc_sizes);
	return err;
}

cl_int svmgpu_link(size_t n, const void *const *objects, const size_t *sizes, const char *options,
		   unsigned isas, const char *arch, struct svmgpu_module **modules,
		   void **library, size_t *library_size, char **log)
{
	struct svmgpu_options o;
	void *lib[SVMGPU_ISA_COUNT] = {0};
	size_t lib_size[SVMGPU_ISA_COUNT] = {0};
	char *bad;
	cl_int err;

	for (int isa = 0; isa < SVMGPU_ISA_COUNT; isa++)
		modules[isa] = NULL;
	*library = NULL;
	if (log)
		*log = NULL;
	err = svmgpu_options_parse(options, SVMGPU_OPTIONS_LINK, &o, &bad);
	if (err)
		return err == CL_INVALID_BUILD_OPTIONS ? option_error(SVMGPU_OPTIONS_LINK, bad, log)
						       : err;
	for (int isa = 0; isa < SVMGPU_ISA_COUNT && !err; isa++) {
		char *more = NULL;

		if (!(isas & 1u << isa))
			continue;
		err = link_isa(n, objects, sizes, (enum svmgpu_isa)isa, arch, o.create_library,
			       &modules[isa], &lib[isa], &lib_size[isa], log ? &more : NULL);
		svmgpu_log_join(log, more);
	}
	if (!err && o.create_library) {
		*library = svmgpu_object_pack(SVMGPU_BINARY_LIBRARY, (const void *const *)lib,
					      lib_size, library_size);
		err = *library ? CL_SUCCESS : CL_OUT_OF_HOST_MEMORY;
	}
	for (int isa = 0; isa < SVMGPU_ISA_COUNT; isa++) {
		free(lib[isa]);
		if (err) {
			svmgpu_module_free(modules[isa]);
			modules[isa] = NULL;
		}
	}
	svmgpu_options_free(&o);
	if (log && !*log)
		*log = strdup("");
	return err;
}
