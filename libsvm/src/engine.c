// SPDX-License-Identifier: MIT
/* libdrm_svm: the engine commands of sgpu (through the GPU page table). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <string.h>

#include "drm_svm_priv.h"

_Static_assert(DRM_SVM_STATUS_FAULT == SGPU_STATUS_FAULT, "status");
_Static_assert(DRM_SVM_STATUS_UNMANAGED == SGPU_STATUS_UNMANAGED, "status");
_Static_assert(DRM_SVM_STATUS_BUSY == SGPU_STATUS_BUSY, "status");
_Static_assert(DRM_SVM_STATUS_NOT_MAPPED == SGPU_STATUS_NOT_MAPPED, "status");

/* The local buffer a pattern fill starts from. */
#define PATTERN_BUF	4096u

int drm_svm__status_errno(uint32_t status)
{
	switch (status) {
	case DRM_SVM_STATUS_OK: return 0;
	case DRM_SVM_STATUS_FAULT: return -EFAULT;
	case DRM_SVM_STATUS_UNMANAGED: return -ENXIO;
	case DRM_SVM_STATUS_BUSY: return -EAGAIN;
	case DRM_SVM_STATUS_NOT_MAPPED: return -ENOENT;
	default: return -EIO;
	}
}

/* Library flags -> sgpu's; -EINVAL for flags outside @allowed. */
static int engine_flags(uint32_t flags, uint32_t allowed, uint32_t *out)
{
	if (flags & ~allowed)
		return -EINVAL;
	*out = 0;
	if (flags & DRM_SVM_ENGINE_NO_FAULT)
		*out |= SGPU_ENGINE_NO_FAULT;
	if (flags & DRM_SVM_ENGINE_ATOMIC_32)
		*out |= SGPU_ENGINE_ATOMIC_32;
	if (flags & DRM_SVM_ENGINE_PREFETCH_WRITE)
		*out |= SGPU_ENGINE_PREFETCH_WRITE;
	return 0;
}

/* Checks common to every command; clears @info. */
static int prologue(struct drm_svm_device *dev, uint32_t flags,
		    uint32_t allowed, uint32_t *kflags,
		    struct drm_svm_engine_info *info)
{
	int ret;

	if (info)
		memset(info, 0, sizeof(*info));
	if (!dev)
		return -EINVAL;
	ret = engine_flags(flags, allowed, kflags);
	if (ret)
		return ret;
	if (!(dev->caps.flags & DRM_SVM_CAP_ENGINE))
		return -EOPNOTSUPP;
	return 0;
}

/* One ioctl; @info accumulates the faults and keeps the last status. */
static int run_one(struct drm_svm_device *dev, struct drm_sgpu_engine *cmd,
		   struct drm_svm_engine_info *info)
{
	int ret = dev->ioctl(dev->fd, DRM_IOCTL_SGPU_ENGINE, cmd);

	if (ret)
		return ret;
	if (info) {
		info->status = cmd->status;
		info->fault_addr = cmd->fault_addr;
		info->faults += cmd->faults;
	}
	return drm_svm__status_errno(cmd->status);
}

/*
 * A sized command, split into commands of at most max_engine_bytes (kept a
 * multiple of 4 for FILL). @cmd has op, flags, dst, src, data, operand set.
 */
static int run_sized(struct drm_svm_device *dev, struct drm_sgpu_engine *cmd,
		     uint64_t size, struct drm_svm_engine_info *info)
{
	uint64_t max = dev->caps.max_engine_bytes & ~3ull, done = 0;
	struct drm_sgpu_engine c;
	int ret;

	if (!max)
		max = size;
	while (done < size) {
		c = *cmd;
		c.size = size - done < max ? size - done : max;
		c.dst += done;
		if (c.op == SGPU_ENGINE_COPY)
			c.src += done;
		if (c.op == SGPU_ENGINE_READ || c.op == SGPU_ENGINE_WRITE)
			c.data += done;
		ret = run_one(dev, &c, info);
		if (ret)
			return ret;
		done += c.size;
	}
	return 0;
}

/* Sizes the engine takes: > 0 and no wrap-around. */
static int range_ok(uint64_t addr, uint64_t size)
{
	return size && addr + size >= addr;
}

static int sized(struct drm_svm_device *dev, uint32_t op, uint64_t dst,
		 uint64_t src, uint64_t data, uint64_t size, uint64_t operand,
		 uint32_t flags, uint32_t allowed,
		 struct drm_svm_engine_info *info)
{
	struct drm_sgpu_engine cmd = { .op = op, .dst = dst, .src = src,
				       .data = data, .operand = operand };
	int ret = prologue(dev, flags, allowed, &cmd.flags, info);

	if (ret)
		return ret;
	if (!range_ok(dst, size))
		return -EINVAL;
	if (op == SGPU_ENGINE_COPY && !range_ok(src, size))
		return -EINVAL;
	if ((op == SGPU_ENGINE_READ || op == SGPU_ENGINE_WRITE) &&
	    (!data || !range_ok(data, size)))
		return -EINVAL;
	if (op == SGPU_ENGINE_FILL && ((dst | size) & 3))
		return -EINVAL;
	return run_sized(dev, &cmd, size, info);
}

DRM_SVM_EXPORT int drm_svm_engine_read(struct drm_svm_device *dev,
				       const void *gpu, void *buf,
				       uint64_t size, uint32_t flags,
				       struct drm_svm_engine_info *info)
{
	return sized(dev, SGPU_ENGINE_READ, (uintptr_t)gpu, 0, (uintptr_t)buf,
		     size, 0, flags, DRM_SVM_ENGINE_NO_FAULT, info);
}

DRM_SVM_EXPORT int drm_svm_engine_write(struct drm_svm_device *dev,
					void *gpu, const void *buf,
					uint64_t size, uint32_t flags,
					struct drm_svm_engine_info *info)
{
	return sized(dev, SGPU_ENGINE_WRITE, (uintptr_t)gpu, 0, (uintptr_t)buf,
		     size, 0, flags, DRM_SVM_ENGINE_NO_FAULT, info);
}

DRM_SVM_EXPORT int drm_svm_engine_copy(struct drm_svm_device *dev, void *dst,
				       const void *src, uint64_t size,
				       uint32_t flags,
				       struct drm_svm_engine_info *info)
{
	return sized(dev, SGPU_ENGINE_COPY, (uintptr_t)dst, (uintptr_t)src, 0,
		     size, 0, flags, DRM_SVM_ENGINE_NO_FAULT, info);
}

DRM_SVM_EXPORT int drm_svm_engine_fill(struct drm_svm_device *dev, void *dst,
				       uint32_t pattern, uint64_t size,
				       uint32_t flags,
				       struct drm_svm_engine_info *info)
{
	return sized(dev, SGPU_ENGINE_FILL, (uintptr_t)dst, 0, 0, size, pattern,
		     flags, DRM_SVM_ENGINE_NO_FAULT, info);
}

DRM_SVM_EXPORT int drm_svm_engine_fill_pattern(struct drm_svm_device *dev,
					       void *dst, const void *pattern,
					       size_t pattern_size,
					       uint64_t size, uint32_t flags,
					       struct drm_svm_engine_info *info)
{
	uintptr_t d = (uintptr_t)dst;
	unsigned char buf[PATTERN_BUF];
	uint64_t done, first;
	uint32_t kflags;
	size_t i;
	int ret;

	ret = prologue(dev, flags, DRM_SVM_ENGINE_NO_FAULT, &kflags, info);
	if (ret)
		return ret;
	if (!pattern || !pattern_size || pattern_size > PATTERN_BUF ||
	    !range_ok(d, size) || size % pattern_size)
		return -EINVAL;
	/* A 1, 2 or 4-byte pattern on 4-byte aligned memory: one FILL. */
	if (pattern_size <= 4 && !(pattern_size & (pattern_size - 1)) &&
	    !((d | size) & 3)) {
		uint32_t word;

		for (i = 0; i < 4; i++)
			((unsigned char *)&word)[i] =
				((const unsigned char *)pattern)[i % pattern_size];
		return drm_svm_engine_fill(dev, dst, word, size, flags, info);
	}
	/* Else: one WRITE of whole patterns, then copies that double it. */
	first = PATTERN_BUF - PATTERN_BUF % pattern_size;
	if (first > size)
		first = size;
	for (i = 0; i < first; i++)
		buf[i] = ((const unsigned char *)pattern)[i % pattern_size];
	ret = drm_svm_engine_write(dev, dst, buf, first, flags, info);
	for (done = first; !ret && done < size; ) {
		uint64_t n = size - done < done ? size - done : done;
		struct drm_svm_engine_info step;

		ret = drm_svm_engine_copy(dev, (void *)(d + done), dst, n, flags,
					  info ? &step : NULL);
		if (info) {
			info->status = step.status;
			info->fault_addr = step.fault_addr;
			info->faults += step.faults;
		}
		done += n;
	}
	return ret;
}

DRM_SVM_EXPORT int drm_svm_engine_prefetch(struct drm_svm_device *dev,
					   const void *gpu, uint64_t size,
					   uint32_t flags,
					   struct drm_svm_engine_info *info)
{
	return sized(dev, SGPU_ENGINE_PREFETCH, (uintptr_t)gpu, 0, 0, size, 0,
		     flags, DRM_SVM_ENGINE_NO_FAULT | DRM_SVM_ENGINE_PREFETCH_WRITE,
		     info);
}

DRM_SVM_EXPORT int drm_svm_engine_nop(struct drm_svm_device *dev)
{
	struct drm_sgpu_engine cmd = { .op = SGPU_ENGINE_NOP };
	int ret = prologue(dev, 0, 0, &cmd.flags, NULL);

	return ret ? ret : run_one(dev, &cmd, NULL);
}

DRM_SVM_EXPORT int drm_svm_engine_atomic(struct drm_svm_device *dev,
					 enum drm_svm_atomic_op op, void *gpu,
					 uint64_t operand, uint64_t compare,
					 uint32_t flags, uint64_t *old,
					 struct drm_svm_engine_info *info)
{
	struct drm_sgpu_engine cmd = { .dst = (uintptr_t)gpu,
		.operand = operand, .compare = compare };
	uintptr_t align = (flags & DRM_SVM_ENGINE_ATOMIC_32) ? 4 : 8;
	int ret;

	ret = prologue(dev, flags,
		       DRM_SVM_ENGINE_NO_FAULT | DRM_SVM_ENGINE_ATOMIC_32,
		       &cmd.flags, info);
	if (ret)
		return ret;
	switch (op) {
	case DRM_SVM_ATOMIC_ADD: cmd.op = SGPU_ENGINE_ATOMIC_ADD; break;
	case DRM_SVM_ATOMIC_XCHG: cmd.op = SGPU_ENGINE_ATOMIC_XCHG; break;
	case DRM_SVM_ATOMIC_CMPXCHG: cmd.op = SGPU_ENGINE_ATOMIC_CMPXCHG; break;
	default: return -EINVAL;
	}
	if (!gpu || ((uintptr_t)gpu & (align - 1)))
		return -EINVAL;
	ret = run_one(dev, &cmd, info);
	if (old && ret == 0)
		*old = cmd.result;
	return ret;
}
