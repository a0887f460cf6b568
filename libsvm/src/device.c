// SPDX-License-Identifier: MIT
/* libdrm_svm: opening render nodes, discovery, capabilities. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* process_vm_readv, F_DUPFD_CLOEXEC, MAP_NORESERVE */
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <xf86drm.h>

#include "drm_svm_priv.h"

#define DRM_MAJOR_NUMBER	226
#define MAX_DRM_DEVICES		64

int drm_svm__ioctl(int fd, unsigned long request, void *arg)
{
	return drmIoctl(fd, request, arg) ? -errno : 0;
}

enum drm_svm_driver drm_svm__driver_from_name(const char *name)
{
	if (!name)
		return DRM_SVM_DRIVER_UNKNOWN;
	if (strcmp(name, "sgpu") == 0)
		return DRM_SVM_DRIVER_SGPU;
	if (strcmp(name, "nouveau") == 0)
		return DRM_SVM_DRIVER_NOUVEAU;
	return DRM_SVM_DRIVER_UNKNOWN;
}

static int read_caps(struct drm_svm_device *dev)
{
	struct drm_svm_caps *c = &dev->caps;
	long page = sysconf(_SC_PAGESIZE);

	memset(c, 0, sizeof(*c));
	c->driver = dev->driver;
	c->page_size = page > 0 ? (uint64_t)page : 4096;
	if (dev->driver == DRM_SVM_DRIVER_NOUVEAU) {
		/* Documented defaults: nouveau's uAPI has no capability query. */
		c->flags = DRM_SVM_CAP_MIRROR | DRM_SVM_CAP_DEVICE_MEMORY |
			   DRM_SVM_CAP_DEVICE_PRIVATE;
		return 0;
	}
	if (dev->driver == DRM_SVM_DRIVER_SGPU) {
		struct drm_sgpu_info info;
		int ret;

		memset(&info, 0, sizeof(info));
		ret = dev->ioctl(dev->fd, DRM_IOCTL_SGPU_INFO, &info);
		if (ret)
			return ret;
		c->uapi_version = info.version;
		c->page_size = 1ull << info.page_shift;
		c->vram_size = info.vram_size;
		c->max_engine_bytes = info.max_engine_bytes;
		c->flags = DRM_SVM_CAP_ENGINE | DRM_SVM_CAP_SNAPSHOT |
			   DRM_SVM_CAP_COUNTERS | DRM_SVM_CAP_MIGRATE_COUNT;
		if (info.caps & SGPU_CAP_MIRROR)
			/* The engine's atomics are the CPU's own on the page. */
			c->flags |= DRM_SVM_CAP_MIRROR | DRM_SVM_CAP_ATOMICS;
		if (info.caps & SGPU_CAP_MIGRATE_VRAM)
			c->flags |= DRM_SVM_CAP_DEVICE_MEMORY;
		if (info.caps & SGPU_CAP_VRAM_PRIVATE)
			c->flags |= DRM_SVM_CAP_DEVICE_PRIVATE;
		if (info.caps & SGPU_CAP_HUGE)
			c->flags |= DRM_SVM_CAP_HUGE;
		if (!(c->flags & DRM_SVM_CAP_MIRROR))
			return -ENODEV;
		return 0;
	}
	return -ENODEV;
}

int drm_svm__device_new(int fd, enum drm_svm_driver driver,
			drm_svm_ioctl_fn fn, const char *path,
			struct drm_svm_device **out)
{
	struct drm_svm_device *dev;
	int ret;

	dev = calloc(1, sizeof(*dev));
	if (!dev) {
		close(fd);
		return -ENOMEM;
	}
	dev->fd = fd;
	dev->driver = driver;
	dev->ioctl = fn ? fn : drm_svm__ioctl;
	snprintf(dev->path, sizeof(dev->path), "%s", path ? path : "");
	ret = read_caps(dev);
	if (ret == 0) {
		ret = -pthread_mutex_init(&dev->lock, NULL);
	}
	if (ret) {
		close(fd);
		free(dev);
		return ret;
	}
	*out = dev;
	return 0;
}

/* The driver of an open DRM file; -ENOTTY when it is not one. */
static int fd_driver(int fd, enum drm_svm_driver *driver)
{
	drmVersionPtr v = drmGetVersion(fd);

	if (!v)
		return -ENOTTY;
	*driver = drm_svm__driver_from_name(v->name);
	drmFreeVersion(v);
	return 0;
}

static int open_path(const char *path, uint32_t flags,
		     struct drm_svm_device **out)
{
	enum drm_svm_driver driver = DRM_SVM_DRIVER_UNKNOWN;
	int fd, ret;

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = fd_driver(fd, &driver);
	if (ret == 0 && (driver == DRM_SVM_DRIVER_UNKNOWN ||
			 (driver == DRM_SVM_DRIVER_NOUVEAU &&
			  (flags & DRM_SVM_OPEN_SGPU_ONLY))))
		ret = -ENODEV;
	if (ret) {
		close(fd);
		return ret;
	}
	return drm_svm__device_new(fd, driver, NULL, path, out);
}

/* Discovery through libdrm: render nodes in drmGetDevices2's order. */
static int discover_libdrm(uint32_t flags, struct drm_svm_device **out)
{
	drmDevicePtr devs[MAX_DRM_DEVICES];
	int n, i, ret = -ENODEV;

	n = drmGetDevices2(0, devs, MAX_DRM_DEVICES);
	if (n <= 0)
		return -ENODEV;
	if (n > MAX_DRM_DEVICES)
		n = MAX_DRM_DEVICES;
	for (i = 0; i < n && ret; i++)
		if (devs[i]->available_nodes & (1 << DRM_NODE_RENDER))
			ret = open_path(devs[i]->nodes[DRM_NODE_RENDER], flags,
					out);
	drmFreeDevices(devs, n);
	return ret;
}

/*
 * The fallback: libdrm's listing needs the device's bus in sysfs, which
 * some kernels do not describe for a platform device without firmware node.
 */
static int discover_scan(uint32_t flags, struct drm_svm_device **out)
{
	char path[64];
	int i;

	for (i = 128; i < 192; i++) {
		snprintf(path, sizeof(path), "%s/renderD%d", DRM_DIR_NAME, i);
		if (open_path(path, flags, out) == 0)
			return 0;
	}
	return -ENODEV;
}

DRM_SVM_EXPORT int drm_svm_device_open(const char *path, uint32_t flags,
				       struct drm_svm_device **out)
{
	if (!out || (flags & ~DRM_SVM_OPEN_SGPU_ONLY))
		return -EINVAL;
	if (path)
		return open_path(path, flags, out);
	if (discover_libdrm(flags, out) == 0)
		return 0;
	return discover_scan(flags, out);
}

DRM_SVM_EXPORT int drm_svm_device_open_fd(int fd, uint32_t flags,
					  struct drm_svm_device **out)
{
	enum drm_svm_driver driver = DRM_SVM_DRIVER_UNKNOWN;
	char link[32], path[64];
	struct stat st;
	ssize_t len;
	int dup, ret;

	if (!out || (flags & ~DRM_SVM_OPEN_SGPU_ONLY))
		return -EINVAL;
	if (fd < 0 || fstat(fd, &st))
		return -EBADF;
	if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != DRM_MAJOR_NUMBER)
		return -ENOTTY;
	ret = fd_driver(fd, &driver);
	if (ret)
		return ret;
	if (driver == DRM_SVM_DRIVER_UNKNOWN ||
	    (driver == DRM_SVM_DRIVER_NOUVEAU && (flags & DRM_SVM_OPEN_SGPU_ONLY)))
		return -ENODEV;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	len = readlink(link, path, sizeof(path) - 1);
	if (len > 0)
		path[len] = '\0';
	else
		snprintf(path, sizeof(path), "fd:%d", fd);
	dup = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (dup < 0)
		return -errno;
	return drm_svm__device_new(dup, driver, NULL, path, out);
}

DRM_SVM_EXPORT void drm_svm_device_close(struct drm_svm_device *dev)
{
	if (!dev)
		return;
	close(dev->fd);
	if (dev->win_owned)
		drm_svm_window_release((void *)(uintptr_t)dev->win_addr,
				       dev->win_size);
	pthread_mutex_destroy(&dev->lock);
	free(dev);
}

DRM_SVM_EXPORT int drm_svm_device_get_fd(const struct drm_svm_device *dev)
{
	return dev ? dev->fd : -EINVAL;
}

DRM_SVM_EXPORT enum drm_svm_driver
drm_svm_device_get_driver(const struct drm_svm_device *dev)
{
	return dev ? dev->driver : DRM_SVM_DRIVER_UNKNOWN;
}

DRM_SVM_EXPORT const char *drm_svm_device_get_path(const struct drm_svm_device *dev)
{
	return dev ? dev->path : NULL;
}

DRM_SVM_EXPORT int drm_svm_device_get_caps(struct drm_svm_device *dev,
					   struct drm_svm_caps *caps)
{
	if (!dev || !caps)
		return -EINVAL;
	*caps = dev->caps;
	return 0;
}

DRM_SVM_EXPORT const char *drm_svm_status_string(uint32_t status)
{
	switch (status) {
	case DRM_SVM_STATUS_OK: return "ok";
	case DRM_SVM_STATUS_FAULT: return "fault";
	case DRM_SVM_STATUS_UNMANAGED: return "unmanaged";
	case DRM_SVM_STATUS_BUSY: return "busy";
	case DRM_SVM_STATUS_NOT_MAPPED: return "not mapped";
	default: return "unknown";
	}
}
