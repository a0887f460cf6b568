// SPDX-License-Identifier: MIT
/* The OpenCL `sgpu` device inside the QEMU guest, through the real ICD
 * loader: the device is listed with the SVM the module granted, memory from
 * plain malloc is copied and filled by the emulated GPU's engine (through
 * its mirrored page table; the runtime's debug log says the engine did it,
 * and that it never fell back to the CPU), migrated to VRAM and back, and
 * the CPU checks every byte. Prints SGPU-TEST lines like the other guest
 * tests (run.sh). */
#define CL_TARGET_OPENCL_VERSION 300
#include <CL/cl.h>

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SIZE (4u << 20)

static const char *prefix = "";
static int failures;

static void result(const char *name, int ok, const char *why)
{
	printf("SGPU-TEST %s %sopencl_%s%s%s\n", ok ? "PASS" : "FAIL", prefix, name,
	       ok ? "" : ": ", ok ? "" : why);
	fflush(stdout);
	failures += !ok;
}

/* The runtime's debug log goes to a file while the commands run. */
static int log_fd = -1, saved_stderr = -1;

static void log_begin(void)
{
	char path[] = "/tmp/svmgpu-log-XXXXXX";

	fflush(stderr);
	log_fd = mkstemp(path);
	unlink(path);
	saved_stderr = dup(2);
	dup2(log_fd, 2);
}

static char *log_end(void)
{
	off_t n;
	char *text;

	fflush(stderr);
	dup2(saved_stderr, 2);
	close(saved_stderr);
	n = lseek(log_fd, 0, SEEK_END);
	text = calloc(1, (size_t)n + 1);
	if (text && pread(log_fd, text, (size_t)n, 0) != n)
		text[0] = 0;
	close(log_fd);
	return text;
}

static int count(const char *text, const char *what)
{
	int n = 0;

	for (const char *p = text; p && (p = strstr(p, what)); p++)
		n++;
	return n;
}

int main(void)
{
	cl_platform_id plat;
	cl_device_id dev = NULL, devs[8];
	cl_uint n = 0;
	cl_device_svm_capabilities caps = 0;
	char name[256] = "", *log;
	cl_context ctx;
	cl_command_queue q;
	unsigned char *src, *dst;
	uint32_t pattern = 0x5a17c0deu;
	size_t bad = 0;
	cl_int err;

	if (getenv("SGPU_TEST_PREFIX"))
		prefix = getenv("SGPU_TEST_PREFIX");
	/* Before the platform exists: the runtime reads it once. */
	setenv("SVMGPU_DEBUG", "1", 1);
	if (clGetPlatformIDs(1, &plat, NULL) != CL_SUCCESS ||
	    clGetDeviceIDs(plat, CL_DEVICE_TYPE_GPU, 8, devs, &n) != CL_SUCCESS)
		n = 0;
	for (cl_uint i = 0; i < n; i++) {
		clGetDeviceInfo(devs[i], CL_DEVICE_NAME, sizeof(name), name, NULL);
		if (strstr(name, "sgpu")) {
			dev = devs[i];
			break;
		}
	}
	result("device_listed", dev != NULL, "no sgpu device through the loader");
	if (!dev)
		return 1;
	clGetDeviceInfo(dev, CL_DEVICE_SVM_CAPABILITIES, sizeof(caps), &caps, NULL);
	result("svm_caps", (caps & CL_DEVICE_SVM_FINE_GRAIN_SYSTEM) &&
	       (caps & CL_DEVICE_SVM_FINE_GRAIN_BUFFER), "a mirroring GPU grants system SVM");
	ctx = clCreateContext(NULL, 1, &dev, NULL, NULL, &err);
	q = ctx ? clCreateCommandQueueWithProperties(ctx, dev, NULL, &err) : NULL;
	src = malloc(SIZE);
	dst = malloc(SIZE);
	if (!q || !src || !dst) {
		result("setup", 0, "context, queue or malloc");
		return 1;
	}
	for (size_t i = 0; i < SIZE; i++)
		src[i] = (unsigned char)(i * 7 + (i >> 12));
	memset(dst, 0, SIZE);

	log_begin();
	err = clEnqueueSVMMemcpy(q, CL_TRUE, dst, src, SIZE, 0, NULL, NULL);
	log = log_end();
	for (size_t i = 0; i < SIZE; i++)
		bad += dst[i] != src[i];
	result("memcpy_malloc", !err && !bad, "clEnqueueSVMMemcpy of malloc memory");
	result("memcpy_on_engine", count(log, "sgpu: engine copied") == 1 &&
	       !count(log, "declined"), log ? log : "no log");
	free(log);

	log_begin();
	err = clEnqueueSVMMemFill(q, dst + 4096, &pattern, sizeof(pattern), SIZE - 8192, 0, NULL,
				  NULL);
	err |= clFinish(q);
	log = log_end();
	bad = 0;
	for (size_t i = 0; i < SIZE; i++) {
		unsigned char want = i < 4096 || i >= SIZE - 4096
					     ? src[i]
					     : ((const unsigned char *)&pattern)[i % 4];

		bad += dst[i] != want;
	}
	result("fill_malloc", !err && !bad, "clEnqueueSVMMemFill of malloc memory");
	result("fill_on_engine", count(log, "sgpu: engine filled") == 1 &&
	       !count(log, "declined"), log ? log : "no log");
	free(log);

	{
		const void *ptrs[] = {src};
		size_t sizes[] = {SIZE};

		log_begin();
		err = clEnqueueSVMMigrateMem(q, 1, ptrs, sizes, 0, 0, NULL, NULL);
		err |= clEnqueueSVMMigrateMem(q, 1, ptrs, sizes, CL_MIGRATE_MEM_OBJECT_HOST, 0,
					      NULL, NULL);
		err |= clFinish(q);
		log = log_end();
		bad = 0;
		for (size_t i = 0; i < SIZE; i++)
			bad += src[i] != (unsigned char)(i * 7 + (i >> 12));
		result("migrate_roundtrip", !err && !bad && count(log, "sgpu: migrate") == 2,
		       log ? log : "no log");
		free(log);
	}
	free(src);
	free(dst);
	clReleaseCommandQueue(q);
	clReleaseContext(ctx);
	return failures ? 1 : 0;
}
