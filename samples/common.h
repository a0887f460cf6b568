/* SPDX-License-Identifier: MIT */
/* Host helpers shared by the samples: platform and device choice, error
 * checks that name the failing call, program builds that print the build
 * log, and a clock. Plain OpenCL 3.0 host code, nothing svmgpu-specific. */
#ifndef SAMPLES_COMMON_H
#define SAMPLES_COMMON_H

#ifndef CL_TARGET_OPENCL_VERSION
#define CL_TARGET_OPENCL_VERSION 300
#endif
#include <CL/cl.h>
#include <stdbool.h>
#include <stddef.h>

/* The sample's name, for messages; set by sample_init(). */
extern const char *sample_name;

/* Line-buffered stdout, the name used in messages. */
void sample_init(const char *name);

/* Prints what failed and exits 1. */
_Noreturn void sample_die(const char *what, cl_int err, const char *file, int line);

/* The symbolic name of an OpenCL error code. */
const char *cl_errname(cl_int err);

#define CL_CHECK(call)                                                          \
	do {                                                                    \
		cl_int err__ = (call);                                          \
		if (err__ != CL_SUCCESS)                                        \
			sample_die(#call, err__, __FILE__, __LINE__);           \
	} while (0)

/* For calls that return an object and report through an errcode_ret. */
#define CL_CHECK_ERR(err) CL_CHECK(err)

/* The platform named "svmgpu" if there is one, else the first platform, and
 * its CL_DEVICE_TYPE_DEFAULT device; prints both. */
cl_device_id pick_device(cl_platform_id *platform);

/* CL_DEVICE_SVM_CAPABILITIES, printed when print is true. */
cl_device_svm_capabilities device_svm_caps(cl_device_id dev, bool print);

/* Whether CL_DEVICE_OPENCL_C_FEATURES lists the feature macro name. */
bool device_has_c_feature(cl_device_id dev, const char *name);

/* Whether CL_DEVICE_OPENCL_C_ALL_VERSIONS lists OpenCL C major.minor. */
bool device_has_c_version(cl_device_id dev, unsigned major, unsigned minor);

/* Builds src for dev with options; on failure prints the build log and exits 1.
 * Prints the build time. */
cl_program build_program(cl_context ctx, cl_device_id dev, const char *src,
			 const char *options);

/* A clSVMAlloc that exits when it returns NULL. */
void *svm_alloc(cl_context ctx, cl_svm_mem_flags flags, size_t size);

/* CLOCK_MONOTONIC in milliseconds. */
double now_ms(void);

/* Duration of a completed event from its profiling info (queue created with
 * CL_QUEUE_PROFILING_ENABLE), in milliseconds. */
double event_ms(cl_event ev);

#endif
