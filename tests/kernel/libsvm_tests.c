// SPDX-License-Identifier: MIT
/*
 * libdrm_svm against the real sgpu.ko, inside the QEMU guest: discovery,
 * capabilities, SVM init and the unmanaged window, the engine, counters,
 * residency, migration both ways, threads, error paths, and svm-stat reading
 * a running process's client. Statically linked with the library's sources
 * and libdrm.a (tests/kernel/run.sh builds it); run by guest_runner.c, names
 * prefixed "libsvm/".
 *
 *   libsvm-tests [NAME...]   environment: SGPU_TEST_PREFIX, SGPU_EXPECT_VRAM,
 *                            SVM_STAT (default /bin/svm-stat)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <xf86drm.h>

#include "drm_svm.h"
#include "guest_runner.h"

static const char *prefix = "";

static int expect_vram(void)
{
	return getenv("SGPU_EXPECT_VRAM") != NULL;
}

static int expect_private(void)
{
	return strncmp(prefix, "private/", 8) == 0;
}

static struct drm_svm_device *open_dev(void)
{
	struct drm_svm_device *dev = NULL;

	CHECK_EQ(drm_svm_device_open(NULL, DRM_SVM_OPEN_SGPU_ONLY, &dev), 0);
	return dev;
}

static struct drm_svm_device *open_init(void)
{
	struct drm_svm_device *dev = open_dev();

	CHECK_EQ(drm_svm_init(dev, 0, 0), 0);
	return dev;
}

static void *map_guarded(size_t npages)
{
	char *p = mmap(NULL, (npages + 2) * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(p != MAP_FAILED);
	/* Guard pages: the mapping is a VMA of its own (svm-stat's range). */
	CHECK_EQ(mprotect(p, PAGE, PROT_NONE), 0);
	CHECK_EQ(mprotect(p + (npages + 1) * PAGE, PAGE, PROT_NONE), 0);
	CHECK_EQ(madvise(p + PAGE, npages * PAGE, MADV_NOHUGEPAGE), 0);
	return p + PAGE;
}

static uint64_t caps_flags(struct drm_svm_device *dev)
{
	struct drm_svm_caps c;

	CHECK_EQ(drm_svm_device_get_caps(dev, &c), 0);
	return c.flags;
}

/* ---- tests ---------------------------------------------------------------- */

static int t_discover(void)
{
	struct drm_svm_device *dev, *dev2, *dev3;
	drmDevicePtr devs[16];
	const char *path;
	int n, i, listed = 0, fd;

	dev = open_dev();
	path = drm_svm_device_get_path(dev);
	CHECK(strncmp(path, "/dev/dri/renderD", 16) == 0);
	CHECK_EQ(drm_svm_device_get_driver(dev), DRM_SVM_DRIVER_SGPU);
	/* Which discovery found it: libdrm's listing, or the fallback scan. */
	n = drmGetDevices2(0, devs, 16);
	for (i = 0; i < n && i < 16; i++)
		if ((devs[i]->available_nodes & (1 << DRM_NODE_RENDER)) &&
		    strcmp(devs[i]->nodes[DRM_NODE_RENDER], path) == 0)
			listed = 1;
	if (n > 0)
		drmFreeDevices(devs, n < 16 ? n : 16);
	printf("    %s found by %s\n", path,
	       listed ? "drmGetDevices2" : "the /dev/dri scan (libdrm lists it not)");
	/* An explicit path, and a handle on a descriptor (its own copy). */
	CHECK_EQ(drm_svm_device_open(path, 0, &dev2), 0);
	fd = open(path, O_RDWR | O_CLOEXEC);
	CHECK(fd >= 0);
	CHECK_EQ(drm_svm_device_open_fd(fd, 0, &dev3), 0);
	CHECK(drm_svm_device_get_fd(dev3) != fd);
	CHECK_EQ(strcmp(drm_svm_device_get_path(dev3), path), 0);
	close(fd);
	/* dev3 still works with the caller's descriptor closed. */
	CHECK_EQ(drm_svm_init(dev3, 0, 0), 0);
	CHECK_EQ(drm_svm_engine_nop(dev3), 0);
	/* Three files, three clients: each inits once. */
	CHECK_EQ(drm_svm_init(dev2, 0, 0), 0);
	CHECK_EQ(drm_svm_init(dev, 0, 0), 0);
	drm_svm_device_close(dev3);
	drm_svm_device_close(dev2);
	drm_svm_device_close(dev);
	/* Error paths of opening. */
	CHECK_EQ(drm_svm_device_open("/dev/dri/renderD191", 0, &dev), -ENOENT);
	CHECK_EQ(drm_svm_device_open("/dev/null", 0, &dev), -ENOTTY);
	CHECK_EQ(drm_svm_device_open(path, 1u << 30, &dev), -EINVAL);
	CHECK_EQ(drm_svm_device_open_fd(-1, 0, &dev), -EBADF);
	return 0;
}

static int t_caps(void)
{
	struct drm_svm_device *dev = open_dev();
	struct drm_svm_caps c;
	uint64_t must = DRM_SVM_CAP_MIRROR | DRM_SVM_CAP_ATOMICS |
			DRM_SVM_CAP_ENGINE | DRM_SVM_CAP_SNAPSHOT |
			DRM_SVM_CAP_COUNTERS | DRM_SVM_CAP_MIGRATE_COUNT |
			DRM_SVM_CAP_HUGE;

	CHECK_EQ(drm_svm_device_get_caps(dev, &c), 0);
	CHECK_EQ(c.driver, DRM_SVM_DRIVER_SGPU);
	CHECK_EQ(c.uapi_version, 1);
	CHECK_EQ(c.page_size, PAGE);
	CHECK_EQ(c.flags & must, must);
	CHECK(c.max_engine_bytes >= PAGE);
	CHECK_EQ(!!(c.flags & DRM_SVM_CAP_DEVICE_MEMORY), expect_vram());
	CHECK_EQ(c.vram_size != 0, expect_vram());
	CHECK_EQ(!!(c.flags & DRM_SVM_CAP_DEVICE_PRIVATE),
		 expect_vram() && expect_private());
	printf("    caps 0x%" PRIx64 ", %" PRIu64 " MiB VRAM\n", c.flags,
	       c.vram_size >> 20);
	drm_svm_device_close(dev);
	return 0;
}

static int t_init_window(void)
{
	struct drm_svm_device *dev = open_dev();
	struct drm_svm_engine_info info;
	uint64_t a, s, buf[2] = { 0 };
	struct drm_svm_residency r;
	struct drm_svm_counters c;
	uint8_t snap[4];
	void *win;
	char *p = map_guarded(1);

	/* Before SVM_INIT: the kernel refuses, the library passes it on. */
	CHECK_EQ(drm_svm_migrate(dev, p, PAGE, DRM_SVM_TARGET_VRAM, 0, 0, NULL),
		 -EINVAL);
	CHECK_EQ(drm_svm_get_counters(dev, &c), -EINVAL);
	CHECK_EQ(drm_svm_snapshot(dev, p, 1, snap, 0), -EINVAL);
	CHECK_EQ(drm_svm_engine_nop(dev), -EINVAL);
	CHECK_EQ(drm_svm_get_window(dev, &a, &s), -EINVAL);
	CHECK_EQ(drm_svm_init(dev, 0x10001000, 0x1001), -EINVAL);
	/* Mesa's way: a PROT_NONE reservation for the GPU-only part. */
	CHECK_EQ(drm_svm_init_reserved(dev, 256 * PAGE, 2 << 20, &win), 0);
	CHECK_EQ((uintptr_t)win & ((2 << 20) - 1), 0);
	CHECK_EQ(drm_svm_init(dev, 0, 0), -EBUSY);
	CHECK_EQ(drm_svm_get_window(dev, &a, &s), 0);
	CHECK_EQ(a, (uintptr_t)win);
	CHECK_EQ(s, 256 * PAGE);
	/* The GPU never touches the window... */
	CHECK_EQ(drm_svm_engine_read(dev, win, buf, 8, 0, &info), -ENXIO);
	CHECK_EQ(info.status, DRM_SVM_STATUS_UNMANAGED);
	CHECK_EQ(drm_svm_snapshot(dev, win, 4, snap, 0), 0);
	CHECK_EQ(snap[0], DRM_SVM_PTE_UNMANAGED);
	CHECK_EQ(drm_svm_residency(dev, win, 256 * PAGE, 0, &r), 0);
	CHECK_EQ(r.unmanaged, 256);
	CHECK_EQ(r.mapped, 0);
	/* ...and mirrors everything else. */
	CHECK_EQ(drm_svm_engine_read(dev, p, buf, 8, 0, &info), 0);
	CHECK_EQ(info.status, DRM_SVM_STATUS_OK);
	drm_svm_device_close(dev);
	/* The handle owned the window: it is unmapped now. */
	CHECK(mmap(win, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS |
		   MAP_FIXED_NOREPLACE, -1, 0) == win);
	return 0;
}

static int t_engine(void)
{
	struct drm_svm_device *dev = open_init();
	struct drm_svm_engine_info info;
	uint64_t *heap = malloc(64 * sizeof(uint64_t)), old = 0;
	volatile uint32_t stack32 = 5;
	uint64_t out[64];
	uint32_t *words;
	char *p, *none;
	size_t i;

	CHECK(heap != NULL);
	/* malloc'd memory and the stack are GPU memory. */
	for (i = 0; i < 64; i++)
		heap[i] = i * 3;
	CHECK_EQ(drm_svm_engine_read(dev, heap, out, sizeof(out), 0, &info), 0);
	for (i = 0; i < 64; i++)
		CHECK_EQ(out[i], i * 3);
	for (i = 0; i < 64; i++)
		out[i] = ~i;
	CHECK_EQ(drm_svm_engine_write(dev, heap, out, sizeof(out), 0, NULL), 0);
	for (i = 0; i < 64; i++)
		CHECK_EQ(heap[i], ~i);
	CHECK_EQ(drm_svm_engine_atomic(dev, DRM_SVM_ATOMIC_ADD, (void *)&stack32, 7,
				       0, DRM_SVM_ENGINE_ATOMIC_32, &old, NULL), 0);
	CHECK_EQ(old, 5);
	CHECK_EQ(stack32, 12);
	/* Copy and fill between two mappings. */
	p = map_guarded(8);
	CHECK_EQ(drm_svm_engine_fill(dev, p, 0xa5a5f00d, 8 * PAGE, 0, NULL), 0);
	words = (uint32_t *)p;
	for (i = 0; i < 8 * PAGE / 4; i += 511)
		CHECK_EQ(words[i], 0xa5a5f00d);
	CHECK_EQ(drm_svm_engine_copy(dev, p + PAGE, heap, 512, 0, NULL), 0);
	CHECK_EQ(memcmp(p + PAGE, heap, 512), 0);
	/* 64-bit atomics against the CPU's view. */
	heap[0] = 100;
	CHECK_EQ(drm_svm_engine_atomic(dev, DRM_SVM_ATOMIC_XCHG, heap, 200, 0, 0,
				       &old, NULL), 0);
	CHECK_EQ(old, 100);
	CHECK_EQ(drm_svm_engine_atomic(dev, DRM_SVM_ATOMIC_CMPXCHG, heap, 300, 1,
				       0, &old, NULL), 0);
	CHECK_EQ(old, 200);
	CHECK_EQ(heap[0], 200);	/* comparand did not match */
	CHECK_EQ(drm_svm_engine_atomic(dev, DRM_SVM_ATOMIC_CMPXCHG, heap, 300, 200,
				       0, &old, NULL), 0);
	CHECK_EQ(heap[0], 300);
	CHECK_EQ(drm_svm_engine_atomic(dev, DRM_SVM_ATOMIC_ADD, (char *)heap + 4, 1,
				       0, 0, &old, NULL), -EINVAL);
	/* Faults: PROT_NONE is an error with the faulting address... */
	none = p - PAGE;	/* the guard page */
	CHECK_EQ(drm_svm_engine_read(dev, none, out, 8, 0, &info), -EFAULT);
	CHECK_EQ(info.status, DRM_SVM_STATUS_FAULT);
	CHECK_EQ(info.fault_addr, (uintptr_t)none);
	/* ...and so is a missing entry under NO_FAULT, until prefetched. */
	{
		char *q = map_guarded(4);
		struct drm_svm_residency r;

		CHECK_EQ(drm_svm_engine_read(dev, q, out, 8,
					     DRM_SVM_ENGINE_NO_FAULT, &info), -ENOENT);
		CHECK_EQ(info.status, DRM_SVM_STATUS_NOT_MAPPED);
		CHECK_EQ(drm_svm_engine_prefetch(dev, q, 4 * PAGE,
						 DRM_SVM_ENGINE_PREFETCH_WRITE, NULL), 0);
		CHECK_EQ(drm_svm_residency(dev, q, 4 * PAGE, 0, &r), 0);
		CHECK_EQ(r.mapped, 4);
		CHECK_EQ(r.writable, 4);
		CHECK_EQ(drm_svm_engine_read(dev, q, out, 8,
					     DRM_SVM_ENGINE_NO_FAULT, &info), 0);
	}
	/* Argument errors the library catches. */
	CHECK_EQ(drm_svm_engine_read(dev, heap, NULL, 8, 0, NULL), -EINVAL);
	CHECK_EQ(drm_svm_engine_write(dev, heap, out, 0, 0, NULL), -EINVAL);
	CHECK_EQ(drm_svm_engine_fill(dev, p, 0, 8, 1u << 31, NULL), -EINVAL);
	CHECK_EQ(drm_svm_engine_nop(dev), 0);
	free(heap);
	drm_svm_device_close(dev);
	return 0;
}

/* clEnqueueSVMMemFill's semantics through FILL, or WRITE and COPYs. */
static int t_fill_pattern(void)
{
	static const unsigned char pat[12] = { 0xde, 0xad, 0xbe, 0xef, 1, 2, 3,
					       4, 5, 6, 7, 8 };
	struct drm_svm_device *dev = open_init();
	struct drm_svm_engine_info info;
	size_t n = 300 * PAGE, i, len;
	char *p = map_guarded(300), *heap = malloc(15002);

	CHECK(heap != NULL);
	memset(heap, 0, 15002);
	/* 3-byte pattern, unaligned, on the heap: WRITE + COPYs. */
	CHECK_EQ(drm_svm_engine_fill_pattern(dev, heap + 1, pat, 3, 15000, 0,
					     &info), 0);
	CHECK_EQ(heap[0], 0);
	CHECK_EQ(heap[15001], 0);
	for (i = 0; i < 15000; i++)
		CHECK_EQ((unsigned char)heap[1 + i], pat[i % 3]);
	/* 12-byte pattern over 1.2 MB of a fresh mapping (GPU faults). */
	len = n - n % 12;
	CHECK_EQ(drm_svm_engine_fill_pattern(dev, p, pat, 12, len, 0, &info), 0);
	CHECK(info.faults >= 1);
	for (i = 0; i < len; i++)
		if ((unsigned char)p[i] != pat[i % 12])
			CHECK_EQ(i, -1);
	/* 2-byte pattern, aligned: one FILL. */
	CHECK_EQ(drm_svm_engine_fill_pattern(dev, p, pat, 2, 4096, 0, NULL), 0);
	for (i = 0; i < 4096; i++)
		CHECK_EQ((unsigned char)p[i], pat[i % 2]);
	/* A fault in the middle: the guard page after the mapping. */
	CHECK_EQ(drm_svm_engine_fill_pattern(dev, p + n - 12, pat, 12, 24, 0,
					     &info), -EFAULT);
	CHECK_EQ(info.status, DRM_SVM_STATUS_FAULT);
	CHECK_EQ(drm_svm_engine_fill_pattern(dev, p, pat, 12, 13, 0, NULL), -EINVAL);
	free(heap);
	drm_svm_device_close(dev);
	return 0;
}

static int t_counters(void)
{
	struct drm_svm_device *dev = open_init();
	struct drm_svm_counters c0, c1;
	struct drm_svm_residency r;
	char *p = map_guarded(16), buf[64];
	int i;

	CHECK_EQ(drm_svm_get_counters(dev, &c0), 0);
	CHECK_EQ(c0.engine_cmds, 0);
	memset(p, 1, 16 * PAGE);
	for (i = 0; i < 16; i++)
		CHECK_EQ(drm_svm_engine_read(dev, p + i * PAGE, buf, 64, 0, NULL), 0);
	CHECK_EQ(drm_svm_get_counters(dev, &c1), 0);
	CHECK_EQ(c1.engine_cmds, 16);
	CHECK(c1.faults >= 16);
	CHECK(c1.pages_faulted >= 16);
	CHECK_EQ(drm_svm_residency(dev, p, 16 * PAGE, 0, &r), 0);
	CHECK_EQ(r.pages, 16);
	CHECK_EQ(r.mapped, 16);
	CHECK(c1.mirrored_pages >= 16);
	/* The CPU changes the mapping: the mirror drops the entries. */
	CHECK_EQ(munmap(p, 16 * PAGE), 0);
	CHECK_EQ(drm_svm_get_counters(dev, &c1), 0);
	CHECK(c1.invalidations >= 1);
	CHECK(c1.pages_invalidated >= 16);
	drm_svm_device_close(dev);
	return 0;
}

static int same(const char *p, size_t n, char v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != v)
			return 0;
	return 1;
}

static int t_migrate(void)
{
	struct drm_svm_device *dev = open_init();
	uint64_t flags = caps_flags(dev), pages = 99;
	struct drm_svm_residency r;
	struct drm_svm_counters c;
	size_t n = 64 * PAGE;
	char *p = map_guarded(64), *buf = malloc(n);

	CHECK(buf != NULL);
	memset(p, 0x5a, n);
	/* Argument errors never reach the kernel. */
	CHECK_EQ(drm_svm_migrate(dev, p + 1, PAGE, DRM_SVM_TARGET_VRAM, 0, 0, &pages), -EINVAL);
	CHECK_EQ(drm_svm_migrate(dev, p, PAGE + 8, DRM_SVM_TARGET_VRAM, 0, 0, &pages), -EINVAL);
	CHECK_EQ(drm_svm_migrate(dev, p, n, DRM_SVM_TARGET_VRAM, 256, 0, &pages), -EINVAL);
	CHECK_EQ(drm_svm_migrate(dev, p, n, DRM_SVM_TARGET_VRAM, 0, 4, &pages), -EINVAL);
	if (!(flags & DRM_SVM_CAP_DEVICE_MEMORY)) {
		CHECK_EQ(drm_svm_migrate(dev, p, n, DRM_SVM_TARGET_VRAM, 0, 0, &pages),
			 -EOPNOTSUPP);
		CHECK_EQ(drm_svm_migrate(dev, p, n, DRM_SVM_TARGET_SYSTEM, 0, 0, &pages), 0);
		CHECK_EQ(pages, 0);
		drm_svm_device_close(dev);
		return 0;
	}
	CHECK_EQ(drm_svm_migrate(dev, p, n, DRM_SVM_TARGET_VRAM, 3, 0, &pages), 0);
	CHECK_EQ(pages, 64);
	CHECK_EQ(drm_svm_residency(dev, p, n, DRM_SVM_SNAPSHOT_CPU, &r), 0);
	CHECK_EQ(r.vram, 64);
	CHECK_EQ(drm_svm_get_counters(dev, &c), 0);
	CHECK_EQ(c.migrations, 64);
	/* The GPU reads VRAM in place. */
	CHECK_EQ(drm_svm_engine_read(dev, p, buf, n, 0, NULL), 0);
	CHECK(same(buf, n, 0x5a));
	CHECK_EQ(drm_svm_residency(dev, p, n, 0, &r), 0);
	CHECK_EQ(r.vram, 64);
	/* Back to system memory: private VRAM moves, coherent stays. */
	CHECK_EQ(drm_svm_migrate(dev, p, n, DRM_SVM_TARGET_SYSTEM, 0, 0, &pages), 0);
	CHECK_EQ(drm_svm_residency(dev, p, n, DRM_SVM_SNAPSHOT_CPU, &r), 0);
	if (flags & DRM_SVM_CAP_DEVICE_PRIVATE) {
		CHECK_EQ(pages, 64);
		CHECK_EQ(r.vram, 0);
		/* And to VRAM again. */
		CHECK_EQ(drm_svm_migrate(dev, p, n, DRM_SVM_TARGET_VRAM, 0, 0, &pages), 0);
		CHECK_EQ(pages, 64);
	} else {
		CHECK_EQ(pages, 0);
		CHECK_EQ(r.vram, 64);
		/* Nothing left to move. */
		CHECK_EQ(drm_svm_migrate(dev, p, n, DRM_SVM_TARGET_VRAM, 0, 0, &pages), 0);
		CHECK_EQ(pages, 0);
	}
	CHECK(same(p, n, 0x5a));
	free(buf);
	drm_svm_device_close(dev);
	return 0;
}

#define NTHREADS 4
#define ADDS 2000
static struct drm_svm_device *shared_dev;
static uint64_t shared_counter;

static void *adder(void *arg)
{
	int i, gpu = (int)(intptr_t)arg & 1;

	for (i = 0; i < ADDS; i++) {
		if (gpu)
			CHECK_EQ(drm_svm_engine_atomic(shared_dev, DRM_SVM_ATOMIC_ADD,
				 &shared_counter, 1, 0, 0, NULL, NULL), 0);
		else
			__atomic_fetch_add(&shared_counter, 1, __ATOMIC_SEQ_CST);
	}
	return NULL;
}

static void *open_close(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < 20; i++) {
		struct drm_svm_device *d = open_init();

		CHECK_EQ(drm_svm_engine_nop(d), 0);
		drm_svm_device_close(d);
	}
	return NULL;
}

static int t_threads(void)
{
	pthread_t t[NTHREADS + 2];
	int i;

	shared_dev = open_init();
	for (i = 0; i < NTHREADS; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, adder, (void *)(intptr_t)i), 0);
	for (i = NTHREADS; i < NTHREADS + 2; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, open_close, NULL), 0);
	for (i = 0; i < NTHREADS + 2; i++)
		pthread_join(t[i], NULL);
	/* GPU and CPU atomics on one word lose nothing. */
	CHECK_EQ(shared_counter, NTHREADS * ADDS);
	drm_svm_device_close(shared_dev);
	return 0;
}

/* svm-stat reads a running process's client through pidfd_getfd. */
static int t_svm_stat(void)
{
	const char *tool = getenv("SVM_STAT") ? getenv("SVM_STAT") : "/bin/svm-stat";
	int ready[2], go[2], status, vram, found_range = 0, found_win = 0,
	    found_client = 0, found_counters = 0, found_device = 0;
	char cmd[256], line[512], want_range[64], want_win[64];
	struct { uintptr_t buf, win; } addrs;
	pid_t pid;
	FILE *f;

	CHECK_EQ(pipe(ready), 0);
	CHECK_EQ(pipe(go), 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		struct drm_svm_device *dev = open_dev();
		char *p = map_guarded(64), *buf = malloc(64 * PAGE), c;
		void *win;

		CHECK(buf != NULL);
		CHECK_EQ(drm_svm_init_reserved(dev, 256 * PAGE, 0, &win), 0);
		memset(buf, 7, 64 * PAGE);
		CHECK_EQ(drm_svm_engine_write(dev, p, buf, 64 * PAGE, 0, NULL), 0);
		if (caps_flags(dev) & DRM_SVM_CAP_DEVICE_MEMORY) {
			CHECK_EQ(drm_svm_migrate(dev, p, 16 * PAGE,
						 DRM_SVM_TARGET_VRAM, 0, 0, NULL), 0);
			/* the GPU maps the migrated pages again */
			CHECK_EQ(drm_svm_engine_read(dev, p, buf, 16 * PAGE, 0, NULL), 0);
		}
		addrs.buf = (uintptr_t)p;
		addrs.win = (uintptr_t)win;
		CHECK_EQ(write(ready[1], &addrs, sizeof(addrs)), sizeof(addrs));
		CHECK_EQ(read(go[0], &c, 1), 1);
		drm_svm_device_close(dev);
		_exit(0);
	}
	close(ready[1]);
	close(go[0]);
	CHECK_EQ(read(ready[0], &addrs, sizeof(addrs)), sizeof(addrs));
	{
		struct drm_svm_device *dev = open_dev();

		vram = !!(caps_flags(dev) & DRM_SVM_CAP_DEVICE_MEMORY);
		drm_svm_device_close(dev);
	}
	snprintf(want_range, sizeof(want_range), "range %lx-%lx ",
		 (unsigned long)addrs.buf, (unsigned long)(addrs.buf + 64 * PAGE));
	snprintf(want_win, sizeof(want_win), "range %lx-%lx ",
		 (unsigned long)addrs.win, (unsigned long)(addrs.win + 256 * PAGE));
	snprintf(cmd, sizeof(cmd), "%s; %s -p %d", tool, tool, (int)pid);
	f = popen(cmd, "r");
	CHECK(f != NULL);
	while (fgets(line, sizeof(line), f)) {
		printf("    | %s", line);
		if (strncmp(line, "device path=/dev/dri/renderD", 28) == 0 &&
		    strstr(line, "driver=sgpu"))
			found_device = 1;
		if (strncmp(line, "client pid=", 11) == 0 && atoi(line + 11) == pid &&
		    strstr(line, "driver=sgpu"))
			found_client = 1;
		if (strstr(line, "counters faults=") && strstr(line, "engine_cmds=") &&
		    !strstr(line, "engine_cmds=0 "))
			found_counters = 1;
		if (strstr(line, want_range) && strstr(line, " mapped=64 ") &&
		    strstr(line, vram ? " vram=16 " : " vram=0 "))
			found_range = 1;
		if (strstr(line, want_win) && strstr(line, " unmanaged=256 ") &&
		    strstr(line, " mapped=0 "))
			found_win = 1;
	}
	CHECK_EQ(pclose(f), 0);
	CHECK_EQ(write(go[1], "x", 1), 1);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK(found_device);
	CHECK(found_client);
	CHECK(found_counters);
	CHECK(found_range);
	CHECK(found_win);
	/* A process without SVM clients, and one that does not exist. */
	snprintf(cmd, sizeof(cmd), "%s -p %d >/dev/null 2>&1", tool, (int)getpid());
	CHECK_EQ(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "%s -p 999999 >/dev/null 2>&1", tool);
	CHECK(system(cmd) != 0);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct guest_test tests[] = {
		{ "discover", t_discover },
		{ "caps", t_caps },
		{ "init_window", t_init_window },
		{ "engine", t_engine },
		{ "fill_pattern", t_fill_pattern },
		{ "counters", t_counters },
		{ "migrate", t_migrate },
		{ "threads", t_threads },
		{ "svm_stat", t_svm_stat },
		{ NULL, NULL },
	};

	if (getenv("SGPU_TEST_PREFIX"))
		prefix = getenv("SGPU_TEST_PREFIX");
	return guest_done(guest_run(tests, "libsvm/", argc - 1, argv + 1));
}
