/* SPDX-License-Identifier: MIT */
/* The OpenCL C front end: build options, and clang run as a child process. */
#ifndef SVMGPU_FRONTEND_H
#define SVMGPU_FRONTEND_H

#include "compiler.h"

/* Which options a call accepts. */
enum svmgpu_option_set {
	SVMGPU_OPTIONS_BUILD,   /* clBuildProgram: compile and link options */
	SVMGPU_OPTIONS_COMPILE, /* clCompileProgram */
	SVMGPU_OPTIONS_LINK,    /* clLinkProgram */
};

struct svmgpu_options {
	char **clang_args; /* NULL-terminated, for the front end */
	size_t num_clang_args;
	bool opt_disable;
	bool create_library;
	bool uniform_work_groups; /* -cl-uniform-work-group-size or OpenCL C 1.x */
	bool fast_math;
	enum svmgpu_isa isa;      /* what the front end compiles for (set by the caller) */
};

/* Parses and checks options; on error *bad names the offending option
 * (malloc'd). Returns CL_SUCCESS or CL_INVALID_BUILD_OPTIONS (the caller
 * maps it to the compile/link variants). */
cl_int svmgpu_options_parse(const char *options, enum svmgpu_option_set set,
			    struct svmgpu_options *out, char **bad);
void svmgpu_options_free(struct svmgpu_options *o);

/* The clang driver to run: $SVMGPU_CLANG, else the one found at build time. */
const char *svmgpu_clang_path(void);

/* OpenCL C source to LLVM bitcode. Headers are made visible to #include.
 * *log gets clang's diagnostics. CL_SUCCESS, CL_BUILD_PROGRAM_FAILURE,
 * CL_COMPILER_NOT_AVAILABLE or CL_OUT_OF_HOST_MEMORY. */
cl_int svmgpu_frontend(const char *source, const struct svmgpu_options *o, size_t num_headers,
		       const struct svmgpu_header *headers, void **bc, size_t *bc_size, char **log);

/* Runs argv[0] with argv, stdin from `in` (may be NULL), collects stdout
 * and stderr. Returns the exit status, or -1 when it could not run. */
int svmgpu_run_tool(char *const argv[], const void *in, size_t in_size, void **out,
		    size_t *out_size, char **err);

/* Where the compiler's scratch files go: $TMPDIR if set, else /tmp. */
const char *svmgpu_tmpdir(void);

/* A fresh directory <tmpdir>/svmgpu-<what>-XXXXXX (malloc'd), or NULL. */
char *svmgpu_make_temp_dir(const char *what);

#endif
