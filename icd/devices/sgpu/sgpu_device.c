// SPDX-License-Identifier: MIT
/* The sgpu device (sgpu_device.h): a CPU device for kernels and
 * descriptions, whose memory operations go to the kernel module's engine. */
#include "sgpu_device.h"
#include "device_desc.h"
#include "log.h"

#include <drm_svm.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The unmanaged window: address space the GPU never mirrors (Mesa keeps
 * its own GPU allocations there); reserved once, owned by the handle. */
#define WINDOW_SIZE ((uint64_t)1 << 32)
#define WINDOW_ALIGN ((uint64_t)1 << 32)

struct sgpu_device {
	struct _cl_device_id dev;
	struct svmgpu_device_desc desc;
	cl_device_id cpu; /* what the engine declines falls back to */
	struct drm_svm_device *drm;
	struct drm_svm_caps caps;
	char name[320];
};

static struct sgpu_device *sgpu_of(cl_device_id d)
{
	return (struct sgpu_device *)d;
}

/* The engine copies through the GPU page table, faulting pages in like
 * hardware; a range it cannot do (a CPU mapping it may not use) goes to
 * the CPU instead, so the command still does what the API promised. */
static void sgpu_copy(cl_device_id dev, void *dst, const void *src, size_t size)
{
	struct sgpu_device *s = sgpu_of(dev);
	int err = size ? drm_svm_engine_copy(s->drm, dst, src, size, 0, NULL) : 0;

	if (err) {
		if (svmgpu_debug_enabled)
			svmgpu_log("svmgpu: sgpu: engine copy of %zu bytes declined (%d): the "
				   "CPU copies\n", size, err);
		s->cpu->ops->copy(s->cpu, dst, src, size);
	} else if (svmgpu_debug_enabled) {
		svmgpu_log("svmgpu: sgpu: engine copied %zu bytes\n", size);
	}
}

/* The engine fills any pattern the API allows (libdrm_svm widens small
 * ones and doubles copies for the others); the CPU when it declines. */
static void sgpu_fill(cl_device_id dev, void *dst, const void *pattern, size_t pattern_size,
		      size_t size)
{
	struct sgpu_device *s = sgpu_of(dev);
	int err = size ? drm_svm_engine_fill_pattern(s->drm, dst, pattern, pattern_size, size, 0,
						     NULL)
		       : 0;

	if (err) {
		if (svmgpu_debug_enabled)
			svmgpu_log("svmgpu: sgpu: engine fill of %zu bytes declined (%d): the "
				   "CPU fills\n", size, err);
		s->cpu->ops->fill(s->cpu, dst, pattern, pattern_size, size);
	} else if (svmgpu_debug_enabled) {
		svmgpu_log("svmgpu: sgpu: engine filled %zu bytes\n", size);
	}
}

/* A residency hint: the kernel may decline (no VRAM, full), which is fine. */
static void sgpu_migrate(cl_device_id dev, const void *ptr, size_t size, bool to_host)
{
	struct sgpu_device *s = sgpu_of(dev);
	uint64_t pages = 0;
	int err = -EOPNOTSUPP;

	if (!size)
		return;
	if (to_host || (s->caps.flags & DRM_SVM_CAP_DEVICE_MEMORY))
		err = drm_svm_migrate(s->drm, ptr, size,
				      to_host ? DRM_SVM_TARGET_SYSTEM : DRM_SVM_TARGET_VRAM, 0, 0,
				      &pages);
	if (svmgpu_debug_enabled)
		svmgpu_log("svmgpu: sgpu: migrate %zu bytes at %p to %s: %d, %llu pages moved\n",
			   size, ptr, to_host ? "system memory" : "VRAM", err,
			   (unsigned long long)pages);
}

static const struct svmgpu_device_ops sgpu_ops = {
	.name = "sgpu",
	.copy = sgpu_copy,
	.fill = sgpu_fill,
	.migrate = sgpu_migrate,
};

/* What the kernel granted, as OpenCL SVM capabilities: a mirroring GPU
 * reaches any pointer of the process. */
static cl_device_svm_capabilities svm_caps(const struct drm_svm_caps *c)
{
	cl_device_svm_capabilities caps = 0;

	if (c->flags & DRM_SVM_CAP_MIRROR)
		caps |= CL_DEVICE_SVM_COARSE_GRAIN_BUFFER | CL_DEVICE_SVM_FINE_GRAIN_BUFFER |
			CL_DEVICE_SVM_FINE_GRAIN_SYSTEM;
	if ((c->flags & DRM_SVM_CAP_MIRROR) && (c->flags & DRM_SVM_CAP_ATOMICS))
		caps |= CL_DEVICE_SVM_ATOMICS;
	return caps;
}

cl_uint svmgpu_sgpu_devices_create(cl_platform_id platform, cl_device_id *list, cl_uint max)
{
	const char *off = getenv("SVMGPU_SGPU");
	struct drm_svm_device *drm = NULL;
	struct sgpu_device *s;
	void *window;
	int err;

	if (!max || (off && !strcmp(off, "off")))
		return 0;
	err = drm_svm_device_open(NULL, DRM_SVM_OPEN_SGPU_ONLY, &drm);
	if (!err)
		err = drm_svm_init_reserved(drm, WINDOW_SIZE, WINDOW_ALIGN, &window);
	s = err ? NULL : calloc(1, sizeof(*s));
	if (s && (drm_svm_device_get_caps(drm, &s->caps) ||
		  !(s->cpu = svmgpu_cpu_device_create(platform)))) {
		free(s);
		s = NULL;
	}
	if (!s) {
		if (svmgpu_debug_enabled)
			svmgpu_log("svmgpu: no sgpu device (%d)\n", err);
		if (drm)
			drm_svm_device_close(drm);
		return 0;
	}
	s->drm = drm;
	/* A CPU device for everything but memory: kernels, descriptions. */
	s->dev = *s->cpu;
	s->desc = *s->cpu->desc;
	snprintf(s->name, sizeof(s->name), "svmgpu sgpu (%s)", drm_svm_device_get_path(drm));
	s->desc.name = s->name;
	s->dev.desc = &s->desc;
	s->dev.ops = &sgpu_ops;
	s->dev.type = CL_DEVICE_TYPE_GPU;
	s->dev.svm_caps = svm_caps(&s->caps);
	list[0] = &s->dev;
	return 1;
}
