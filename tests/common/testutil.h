/* SPDX-License-Identifier: MIT */
/* A small test harness for programs that go through the real ICD loader.
 * Each CHECK counts; a test program exits non-zero when any check failed.
 * Output is TAP-like: "ok N - what" / "not ok N - what (file:line)". */
#ifndef SVMGPU_TESTUTIL_H
#define SVMGPU_TESTUTIL_H

#define CL_TARGET_OPENCL_VERSION 300
#define CL_USE_DEPRECATED_OPENCL_1_0_APIS
#define CL_USE_DEPRECATED_OPENCL_1_1_APIS
#define CL_USE_DEPRECATED_OPENCL_1_2_APIS
#define CL_USE_DEPRECATED_OPENCL_2_0_APIS
#include <CL/cl.h>
#include <CL/cl_ext.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern int tu_checks, tu_failures;

#define CHECK(cond, ...)                                                        \
	do {                                                                    \
		tu_checks++;                                                    \
		if (!(cond)) {                                                  \
			tu_failures++;                                          \
			printf("not ok %d - ", tu_checks);                      \
			printf(__VA_ARGS__);                                    \
			printf(" (%s:%d: %s)\n", __FILE__, __LINE__, #cond);    \
		}                                                               \
	} while (0)

/* err must equal want; prints the names of both codes otherwise. */
#define CHECK_ERR(err, want, ...)                                               \
	do {                                                                    \
		cl_int e__ = (err), w__ = (want);                               \
		tu_checks++;                                                    \
		if (e__ != w__) {                                               \
			tu_failures++;                                          \
			printf("not ok %d - ", tu_checks);                      \
			printf(__VA_ARGS__);                                    \
			printf(": got %s (%d), want %s (%d) (%s:%d)\n",          \
			       tu_errname(e__), e__, tu_errname(w__), w__,      \
			       __FILE__, __LINE__);                             \
		}                                                               \
	} while (0)

#define CHECK_OK(err, ...) CHECK_ERR(err, CL_SUCCESS, __VA_ARGS__)

/* Stops the program when a precondition of the remaining checks fails. */
#define REQUIRE(cond, ...)                                                      \
	do {                                                                    \
		bool ok__ = (cond);                                             \
		CHECK(ok__, __VA_ARGS__);                                       \
		if (!ok__)                                                      \
			exit(tu_done());                                        \
	} while (0)

const char *tu_errname(cl_int err);

/* The platform whose name is `name` ("svmgpu" when NULL), or exits 1. */
cl_platform_id tu_platform(const char *name);
/* The svmgpu platform's default device, a context and an in-order queue. */
struct tu_env {
	cl_platform_id platform;
	cl_device_id device;
	cl_context context;
	cl_command_queue queue;
};
void tu_env_init(struct tu_env *env, cl_command_queue_properties qprops);
void tu_env_fini(struct tu_env *env);

/* clCreateKernel(p, name), or exits saying why. */
cl_kernel tu_kernel(cl_program p, const char *name);

/* Builds src (OpenCL C 3.0 and opts) for env's device with SVMGPU_DEBUG
 * on, what the code generator said on stderr in *said (malloc'd). A nonce in
 * the options keeps the program cache out. Exits when the build fails. */
cl_program tu_build_said(struct tu_env *env, const char *src, const char *opts, char **said);

/* The next number of a xorshift64 sequence (each test seeds its own state:
 * reproducible inputs). */
unsigned long long tu_xorshift(unsigned long long *state);

/* A file's contents, NUL-terminated (malloc'd), or NULL. */
char *tu_read_file(const char *path);

/* The CUDA toolkit's PTX assembler ($PTXAS, ptxas on PATH, or the toolkit's
 * default folder), NULL where it is not installed. */
const char *tu_ptxas(void);

/* The PTX text in an svmgpu program binary for a cuda device, or NULL. */
const char *tu_ptx_of(const unsigned char *bin, size_t size);

/* Whether ptxas (tool) assembles ptx for the architecture it names. */
bool tu_ptxas_accepts(const char *tool, const char *ptx);

/* Prints the summary line and returns the exit status (0: all passed). */
int tu_done(void);

#endif
