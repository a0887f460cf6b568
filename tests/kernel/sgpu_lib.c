// SPDX-License-Identifier: GPL-2.0-only
/* Helpers of the sgpu tests and the runner (main). */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sgpu_test.h"

int dev_open(void)
{
	char path[64], name[32];
	int i;

	for (i = 128; i < 192; i++) {
		struct drm_version v;
		int fd;

		snprintf(path, sizeof(path), "/dev/dri/renderD%d", i);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		memset(&v, 0, sizeof(v));
		memset(name, 0, sizeof(name));
		v.name = name;
		v.name_len = sizeof(name) - 1;
		if (ioctl(fd, DRM_IOCTL_VERSION, &v) == 0 &&
		    strcmp(name, "sgpu") == 0)
			return fd;
		close(fd);
	}
	printf("    no sgpu render node\n");
	exit(1);
}

int svm_init(int fd, uint64_t addr, uint64_t size)
{
	struct drm_sgpu_svm_init a = { .unmanaged_addr = addr,
				       .unmanaged_size = size };

	return ioctl(fd, DRM_IOCTL_SGPU_SVM_INIT, &a) ? -errno : 0;
}

int dev_open_init(void)
{
	int fd = dev_open();

	CHECK_EQ(svm_init(fd, 0, 0), 0);
	return fd;
}

int svm_bind(int fd, struct drm_sgpu_svm_bind *b)
{
	return ioctl(fd, DRM_IOCTL_SGPU_SVM_BIND, b) ? -errno : 0;
}

int engine(int fd, struct drm_sgpu_engine *e)
{
	return ioctl(fd, DRM_IOCTL_SGPU_ENGINE, e) ? -errno : 0;
}

static int run_cmd(int fd, struct drm_sgpu_engine *e)
{
	int ret = engine(fd, e);

	if (ret) {
		printf("    engine op %u: ioctl failed: %s\n", e->op,
		       strerror(-ret));
		exit(1);
	}
	return (int)e->status;
}

int gpu_read(int fd, const void *gpu, void *buf, size_t n)
{
	struct drm_sgpu_engine e = { .op = SGPU_ENGINE_READ,
		.dst = (uintptr_t)gpu, .size = n, .data = (uintptr_t)buf };

	return run_cmd(fd, &e);
}

int gpu_write(int fd, void *gpu, const void *buf, size_t n)
{
	struct drm_sgpu_engine e = { .op = SGPU_ENGINE_WRITE,
		.dst = (uintptr_t)gpu, .size = n, .data = (uintptr_t)buf };

	return run_cmd(fd, &e);
}

int gpu_copy(int fd, void *dst, const void *src, size_t n)
{
	struct drm_sgpu_engine e = { .op = SGPU_ENGINE_COPY,
		.dst = (uintptr_t)dst, .src = (uintptr_t)src, .size = n };

	return run_cmd(fd, &e);
}

int gpu_fill(int fd, void *dst, uint32_t pattern, size_t n)
{
	struct drm_sgpu_engine e = { .op = SGPU_ENGINE_FILL,
		.dst = (uintptr_t)dst, .size = n, .operand = pattern };

	return run_cmd(fd, &e);
}

int gpu_atomic(int fd, unsigned int op, unsigned int flags, void *dst,
	       uint64_t operand, uint64_t compare, uint64_t *old)
{
	struct drm_sgpu_engine e = { .op = op, .flags = flags,
		.dst = (uintptr_t)dst, .operand = operand, .compare = compare };
	int st = run_cmd(fd, &e);

	if (old)
		*old = e.result;
	return st;
}

int snapshot(int fd, const void *addr, size_t npages, uint8_t *out,
	     unsigned int flags)
{
	struct drm_sgpu_snapshot s = { .addr = (uintptr_t)addr,
		.npages = npages, .ptr = (uintptr_t)out, .flags = flags };

	return ioctl(fd, DRM_IOCTL_SGPU_SNAPSHOT, &s) ? -errno : 0;
}

void counters(int fd, struct drm_sgpu_counters *c)
{
	CHECK(ioctl(fd, DRM_IOCTL_SGPU_COUNTERS, c) == 0);
}

void *map_anon(size_t size, int prot)
{
	void *p = mmap(NULL, size, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(p != MAP_FAILED);
	return p;
}

void *map_aligned(size_t size, size_t align)
{
	char *p = mmap(NULL, size + align, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uintptr_t a;

	CHECK(p != MAP_FAILED);
	a = ((uintptr_t)p + align - 1) & ~(align - 1);
	if (a > (uintptr_t)p)
		munmap(p, a - (uintptr_t)p);
	munmap((char *)a + size, (uintptr_t)p + align - a);
	return (void *)a;
}

void figure(const char *name, double value, const char *unit)
{
	printf("SGPU-FIGURE %s %.3g %s\n", name, value, unit);
	fflush(stdout);
}

/*
 * sgpu-tests [NAME...]   the tests whose names contain one of the NAMEs
 *                        (all without); $SGPU_TEST_PREFIX prefixes names
 * sgpu-tests --hold-vram the eviction test's process (t_migrate.c)
 */
int main(int argc, char **argv)
{
	const struct guest_test *lists[] = { validate_tests, mirror_tests,
					     migrate_tests, stress_tests };
	unsigned int i, failed = 0;

	if (argc > 1 && strcmp(argv[1], "--hold-vram") == 0)
		return hold_vram();
	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		failed += guest_run(lists[i], "", argc - 1, argv + 1);
	return guest_done(failed);
}
