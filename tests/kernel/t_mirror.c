// SPDX-License-Identifier: GPL-2.0-only
/*
 * Mirroring, modelled on the kernel's hmm-tests (written from scratch):
 * the engine reads and writes process memory through the GPU page table,
 * and every change the CPU makes to its mappings reaches the mirror.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sgpu_test.h"

static void fill_pattern(void *p, size_t n, uint32_t seed)
{
	uint32_t *w = p;
	size_t i;

	for (i = 0; i < n / 4; i++)
		w[i] = seed + (uint32_t)i * 2654435761u;
}

static void check_pattern(const void *p, size_t n, uint32_t seed)
{
	const uint32_t *w = p;
	size_t i;

	for (i = 0; i < n / 4; i++)
		if (w[i] != seed + (uint32_t)i * 2654435761u) {
			printf("    word %zu: %#x, expected %#x\n", i, w[i],
			       seed + (uint32_t)i * 2654435761u);
			exit(1);
		}
}

static int t_anon_read(void)
{
	size_t n = 64 * PAGE;
	char *p = map_anon(n, PROT_READ | PROT_WRITE);
	char *out = malloc(n);
	struct drm_sgpu_counters c;
	uint8_t snap[64];
	int fd = dev_open_init(), i;

	fill_pattern(p, n, 1);
	CHECK_EQ(snapshot(fd, p, 64, snap, 0), 0);
	for (i = 0; i < 64; i++)
		CHECK_EQ(snap[i], SGPU_PTE_NONE);
	CHECK_EQ(gpu_read(fd, p, out, n), SGPU_STATUS_OK);
	check_pattern(out, n, 1);
	/* Read faults mirror the CPU's permissions: written pages are RW. */
	CHECK_EQ(snapshot(fd, p, 64, snap, 0), 0);
	for (i = 0; i < 64; i++)
		CHECK_EQ(snap[i] & ~SGPU_PTE_HUGE,
			 SGPU_PTE_READ | SGPU_PTE_WRITE);
	counters(fd, &c);
	CHECK(c.faults >= 1);
	CHECK(c.pages_faulted >= 64);
	CHECK(c.mirrored_pages >= 64);
	/* A second read takes no fault: the entries are there. */
	{
		uint64_t before = c.faults;

		CHECK_EQ(gpu_read(fd, p, out, n), SGPU_STATUS_OK);
		counters(fd, &c);
		CHECK_EQ(c.faults, before);
	}
	/* Unaligned, crossing pages */
	CHECK_EQ(gpu_read(fd, p + 4093, out, 10), SGPU_STATUS_OK);
	CHECK(memcmp(out, p + 4093, 10) == 0);
	return 0;
}

static int t_anon_write(void)
{
	size_t n = 64 * PAGE;
	char *p = map_anon(n, PROT_READ | PROT_WRITE);	/* never touched */
	char *in = malloc(n);
	uint8_t snap[64];
	int fd = dev_open_init(), i;

	fill_pattern(in, n, 7);
	CHECK_EQ(gpu_write(fd, p, in, n), SGPU_STATUS_OK);
	check_pattern(p, n, 7);
	CHECK_EQ(snapshot(fd, p, 64, snap, 0), 0);
	for (i = 0; i < 64; i++)
		CHECK(snap[i] & SGPU_PTE_WRITE);
	/* The CPU writes, the GPU sees it (same pages, no copy). */
	p[5 * PAGE + 3] = 0x5a;
	CHECK_EQ(gpu_read(fd, p + 5 * PAGE, in, 8), SGPU_STATUS_OK);
	CHECK_EQ(in[3], 0x5a);
	return 0;
}

static int t_copy_fill(void)
{
	size_t n = 16 * PAGE;
	char *a = map_anon(n, PROT_READ | PROT_WRITE);
	char *b = map_anon(n, PROT_READ | PROT_WRITE);
	int fd = dev_open_init();
	size_t i;

	fill_pattern(a, n, 3);
	CHECK_EQ(gpu_copy(fd, b + 100, a + 100, n - 300), SGPU_STATUS_OK);
	CHECK(memcmp(a + 100, b + 100, n - 300) == 0);
	CHECK_EQ(b[99], 0);
	CHECK_EQ(gpu_fill(fd, b, 0xdeadbeef, n), SGPU_STATUS_OK);
	for (i = 0; i < n / 4; i++)
		CHECK_EQ(((uint32_t *)b)[i], 0xdeadbeef);
	return 0;
}

static int t_atomics(void)
{
	uint64_t *p = map_anon(PAGE, PROT_READ | PROT_WRITE), old;
	uint32_t *q = (uint32_t *)(p + 8);
	int fd = dev_open_init(), i;

	p[0] = 40;
	CHECK_EQ(gpu_atomic(fd, SGPU_ENGINE_ATOMIC_ADD, 0, p, 2, 0, &old), 0);
	CHECK_EQ(old, 40);
	CHECK_EQ(p[0], 42);
	CHECK_EQ(gpu_atomic(fd, SGPU_ENGINE_ATOMIC_XCHG, 0, p, 7, 0, &old), 0);
	CHECK_EQ(old, 42);
	CHECK_EQ(gpu_atomic(fd, SGPU_ENGINE_ATOMIC_CMPXCHG, 0, p, 9, 6, &old),
		 0);
	CHECK_EQ(old, 7);
	CHECK_EQ(p[0], 7);
	CHECK_EQ(gpu_atomic(fd, SGPU_ENGINE_ATOMIC_CMPXCHG, 0, p, 9, 7, &old),
		 0);
	CHECK_EQ(p[0], 9);
	*q = 0xffffffff;
	CHECK_EQ(gpu_atomic(fd, SGPU_ENGINE_ATOMIC_ADD, SGPU_ENGINE_ATOMIC_32,
			    q, 1, 0, &old), 0);
	CHECK_EQ(old, 0xffffffff);
	CHECK_EQ(*q, 0);
	CHECK_EQ(q[1], 0);	/* 32 bits only: no carry into the next word */
	/* GPU and CPU atomics on one counter from two processes */
	p[1] = 0;
	if (fork() == 0) {
		for (i = 0; i < 2000; i++)
			__atomic_fetch_add(&p[1], 1, __ATOMIC_SEQ_CST);
		_exit(0);
	}
	for (i = 0; i < 2000; i++)
		gpu_atomic(fd, SGPU_ENGINE_ATOMIC_ADD, 0, &p[1], 1, 0, NULL);
	wait(NULL);
	/* private memory: after fork the child's adds went to its own copy */
	CHECK_EQ(p[1], 2000);
	return 0;
}

static int t_read_only(void)
{
	char *p = map_anon(8 * PAGE, PROT_READ | PROT_WRITE);
	struct drm_sgpu_engine e;
	uint8_t snap[8];
	char buf[16] = "gpu";
	int fd = dev_open_init();

	memset(p, 0x11, 8 * PAGE);
	CHECK(mprotect(p, 8 * PAGE, PROT_READ) == 0);
	CHECK_EQ(gpu_read(fd, p, buf, 16), SGPU_STATUS_OK);
	CHECK_EQ(buf[15], 0x11);
	CHECK_EQ(snapshot(fd, p, 1, snap, 0), 0);
	CHECK_EQ(snap[0], SGPU_PTE_READ);
	/* A write through a read-only mapping is a GPU fault, not a crash */
	memset(&e, 0, sizeof(e));
	e.op = SGPU_ENGINE_WRITE;
	e.dst = (uintptr_t)p + 2 * PAGE + 8;
	e.size = 4;
	e.data = (uintptr_t)buf;
	CHECK_EQ(engine(fd, &e), 0);
	CHECK_EQ(e.status, SGPU_STATUS_FAULT);
	CHECK_EQ(e.fault_addr, (uintptr_t)p + 2 * PAGE + 8);
	CHECK(e.faults >= 1);
	CHECK_EQ(p[2 * PAGE + 8], 0x11);
	CHECK_EQ(gpu_atomic(fd, SGPU_ENGINE_ATOMIC_ADD, 0, p, 1, 0, NULL),
		 SGPU_STATUS_FAULT);
	/* Never-touched read-only memory reads as zeros (the zero page) */
	{
		char *z = map_anon(PAGE, PROT_READ);

		buf[0] = 1;
		CHECK_EQ(gpu_read(fd, z, buf, 16), SGPU_STATUS_OK);
		CHECK_EQ(buf[0], 0);
	}
	return 0;
}

static int t_prot_none(void)
{
	char *p = map_anon(4 * PAGE, PROT_NONE);
	struct drm_sgpu_counters c;
	uint8_t snap[4];
	char buf[8];
	int fd = dev_open_init();

	CHECK_EQ(gpu_read(fd, p + PAGE, buf, 8), SGPU_STATUS_FAULT);
	CHECK_EQ(gpu_write(fd, p, buf, 8), SGPU_STATUS_FAULT);
	CHECK_EQ(snapshot(fd, p, 4, snap, SGPU_SNAPSHOT_CPU), 0);
	CHECK_EQ(snap[0], SGPU_PTE_ERROR);
	CHECK_EQ(snapshot(fd, p, 4, snap, 0), 0);
	CHECK_EQ(snap[0], SGPU_PTE_NONE);
	counters(fd, &c);
	CHECK_EQ(c.faults_failed, c.faults);
	/* Unmapped addresses fault the same way */
	munmap(p, 4 * PAGE);
	CHECK_EQ(gpu_read(fd, p, buf, 8), SGPU_STATUS_FAULT);
	CHECK_EQ(snapshot(fd, p, 4, snap, SGPU_SNAPSHOT_CPU), 0);
	CHECK_EQ(snap[3], SGPU_PTE_ERROR);
	/* NO_FAULT: a missing entry is reported, not resolved */
	{
		char *q = map_anon(PAGE, PROT_READ | PROT_WRITE);
		struct drm_sgpu_engine e = { .op = SGPU_ENGINE_READ,
			.flags = SGPU_ENGINE_NO_FAULT, .dst = (uintptr_t)q,
			.size = 8, .data = (uintptr_t)buf };

		CHECK_EQ(engine(fd, &e), 0);
		CHECK_EQ(e.status, SGPU_STATUS_NOT_MAPPED);
		CHECK_EQ(e.faults, 0);
	}
	return 0;
}

static int t_file_backed(void)
{
	const char *path = "/tmp/sgpu-file";
	size_t n = 16 * PAGE;
	char *buf = malloc(n), *p, *priv;
	int fd = dev_open_init();
	int f = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);

	CHECK(f >= 0);
	fill_pattern(buf, n, 11);
	CHECK(write(f, buf, n) == (ssize_t)n);
	p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_SHARED, f, 0);
	CHECK(p != MAP_FAILED);
	memset(buf, 0, n);
	CHECK_EQ(gpu_read(fd, p, buf, n), SGPU_STATUS_OK);
	check_pattern(buf, n, 11);
	/* GPU writes reach the file */
	fill_pattern(buf, n, 12);
	CHECK_EQ(gpu_write(fd, p, buf, n), SGPU_STATUS_OK);
	memset(buf, 0, n);
	CHECK(pread(f, buf, n, 0) == (ssize_t)n);
	check_pattern(buf, n, 12);
	/* Private file mapping: GPU writes copy on write, the file stays */
	priv = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE, f, 0);
	CHECK(priv != MAP_FAILED);
	CHECK_EQ(gpu_read(fd, priv, buf, 16), SGPU_STATUS_OK);
	fill_pattern(buf, n, 13);
	CHECK_EQ(gpu_write(fd, priv, buf, n), SGPU_STATUS_OK);
	check_pattern(priv, n, 13);
	CHECK(pread(f, buf, n, 0) == (ssize_t)n);
	check_pattern(buf, n, 12);
	/* Truncation unmaps: the GPU loses the pages and then faults */
	CHECK(ftruncate(f, 4 * PAGE) == 0);
	CHECK_EQ(gpu_read(fd, p + 8 * PAGE, buf, 8), SGPU_STATUS_FAULT);
	CHECK_EQ(gpu_read(fd, p, buf, 8), SGPU_STATUS_OK);
	close(f);
	unlink(path);
	return 0;
}

static int t_fork_cow(void)
{
	size_t n = 8 * PAGE;
	char *p = map_anon(n, PROT_READ | PROT_WRITE);
	char *buf = malloc(n);
	struct drm_sgpu_counters c0, c1;
	uint8_t snap[8];
	int fd = dev_open_init(), status, i;
	pid_t pid;

	fill_pattern(p, n, 21);
	CHECK_EQ(gpu_read(fd, p, buf, n), SGPU_STATUS_OK);
	CHECK_EQ(snapshot(fd, p, 8, snap, 0), 0);
	CHECK(snap[0] & SGPU_PTE_WRITE);
	counters(fd, &c0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		/* The child has its own copy; the parent's GPU writes stay out */
		usleep(100000);
		check_pattern(p, n, 21);
		/* and it can be a GPU client of its own */
		{
			int cfd = dev_open_init();

			CHECK_EQ(gpu_read(cfd, p, buf, n), SGPU_STATUS_OK);
			check_pattern(buf, n, 21);
			fill_pattern(buf, n, 23);
			CHECK_EQ(gpu_write(cfd, p, buf, n), SGPU_STATUS_OK);
			check_pattern(p, n, 23);
		}
		_exit(0);
	}
	/* fork write-protected the parent's pages: the mirror was told */
	counters(fd, &c1);
	CHECK(c1.invalidations > c0.invalidations);
	CHECK_EQ(snapshot(fd, p, 8, snap, 0), 0);
	for (i = 0; i < 8; i++)
		CHECK(!(snap[i] & SGPU_PTE_WRITE));
	/* A GPU write breaks COW in the parent only */
	fill_pattern(buf, n, 22);
	CHECK_EQ(gpu_write(fd, p, buf, n), SGPU_STATUS_OK);
	check_pattern(p, n, 22);
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	check_pattern(p, n, 22);
	return 0;
}

static int t_shared_anon(void)
{
	size_t n = 8 * PAGE;
	char *p = mmap(NULL, n, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	volatile char *flag = p + n - 1;
	char *buf = malloc(n);
	int fd = dev_open_init(), status;
	pid_t pid;

	CHECK(p != MAP_FAILED);
	*flag = 0;
	pid = fork();
	if (pid == 0) {
		fill_pattern(p, n - PAGE, 31);
		__atomic_store_n(flag, 1, __ATOMIC_SEQ_CST);
		while (__atomic_load_n(flag, __ATOMIC_SEQ_CST) != 2)
			usleep(1000);
		check_pattern(p, n - PAGE, 32);
		_exit(0);
	}
	while (__atomic_load_n(flag, __ATOMIC_SEQ_CST) != 1)
		usleep(1000);
	CHECK_EQ(gpu_read(fd, p, buf, n - PAGE), SGPU_STATUS_OK);
	check_pattern(buf, n - PAGE, 31);
	fill_pattern(buf, n - PAGE, 32);
	CHECK_EQ(gpu_write(fd, p, buf, n - PAGE), SGPU_STATUS_OK);
	__atomic_store_n(flag, 2, __ATOMIC_SEQ_CST);
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	return 0;
}

static int thp_enabled(void)
{
	char mode[128] = "";
	int f = open("/sys/kernel/mm/transparent_hugepage/enabled", O_RDONLY);

	if (f < 0)
		return 0;
	if (read(f, mode, sizeof(mode) - 1) < 0)
		mode[0] = 0;
	close(f);
	return !strstr(mode, "[never]");
}

static int t_thp(void)
{
	size_t n = 2UL << 20;
	char *p = map_aligned(n, n);
	uint8_t *snap = malloc(512);
	char *buf = malloc(n);
	int fd = dev_open_init(), i;

	if (!thp_enabled())
		return 77;
	CHECK(madvise(p, n, MADV_HUGEPAGE) == 0);
	fill_pattern(p, n, 41);
	CHECK_EQ(snapshot(fd, p, 512, snap, SGPU_SNAPSHOT_CPU), 0);
	if (!(snap[0] & SGPU_PTE_HUGE)) {
		printf("    no huge page from the kernel (memory?)\n");
		return 77;
	}
	CHECK_EQ(gpu_read(fd, p + 12345, buf, 16), SGPU_STATUS_OK);
	CHECK_EQ(snapshot(fd, p, 512, snap, 0), 0);
	for (i = 0; i < 512; i++)
		CHECK_EQ(snap[i], SGPU_PTE_READ | SGPU_PTE_WRITE |
				  SGPU_PTE_HUGE);
	CHECK_EQ(gpu_read(fd, p, buf, n), SGPU_STATUS_OK);
	check_pattern(buf, n, 41);
	/* Splitting the huge page (mprotect on part of it) invalidates */
	CHECK(mprotect(p + PAGE, PAGE, PROT_READ) == 0);
	CHECK_EQ(snapshot(fd, p, 512, snap, 0), 0);
	CHECK_EQ(snap[1], SGPU_PTE_NONE);
	CHECK_EQ(gpu_read(fd, p, buf, 2 * PAGE), SGPU_STATUS_OK);
	CHECK_EQ(snapshot(fd, p, 2, snap, 0), 0);
	CHECK_EQ(snap[1] & (SGPU_PTE_WRITE | SGPU_PTE_HUGE), 0);
	CHECK_EQ(snap[1] & SGPU_PTE_READ, SGPU_PTE_READ);
	return 0;
}

static int t_munmap_during(void)
{
	size_t n = 32 * PAGE;
	char *p = map_anon(n, PROT_READ | PROT_WRITE);
	char *buf = malloc(n);
	struct drm_sgpu_counters c0, c1;
	struct drm_sgpu_engine e;
	uint8_t snap[32];
	int fd = dev_open_init(), i;

	fill_pattern(p, n, 51);
	CHECK_EQ(gpu_read(fd, p, buf, n), SGPU_STATUS_OK);
	counters(fd, &c0);
	CHECK(munmap(p + 8 * PAGE, 8 * PAGE) == 0);
	counters(fd, &c1);
	CHECK_EQ(c1.invalidations, c0.invalidations + 1);
	CHECK_EQ(c1.pages_invalidated, c0.pages_invalidated + 8);
	CHECK_EQ(c1.mirrored_pages, c0.mirrored_pages - 8);
	CHECK_EQ(snapshot(fd, p, 32, snap, 0), 0);
	for (i = 0; i < 32; i++)
		CHECK_EQ(snap[i] == SGPU_PTE_NONE, i >= 8 && i < 16);
	/* A command over the hole faults at its first byte */
	memset(&e, 0, sizeof(e));
	e.op = SGPU_ENGINE_READ;
	e.dst = (uintptr_t)p + 4 * PAGE;
	e.size = 8 * PAGE;
	e.data = (uintptr_t)buf;
	CHECK_EQ(engine(fd, &e), 0);
	CHECK_EQ(e.status, SGPU_STATUS_FAULT);
	CHECK_EQ(e.fault_addr, (uintptr_t)p + 8 * PAGE);
	CHECK(memcmp(buf, p + 4 * PAGE, 4 * PAGE) == 0);
	/* madvise(DONTNEED) drops the pages; the GPU then reads zeros */
	CHECK(madvise(p, 4 * PAGE, MADV_DONTNEED) == 0);
	CHECK_EQ(snapshot(fd, p, 4, snap, 0), 0);
	CHECK_EQ(snap[0], SGPU_PTE_NONE);
	CHECK_EQ(gpu_read(fd, p, buf, 8), SGPU_STATUS_OK);
	CHECK_EQ(((uint64_t *)buf)[0], 0);
	/* Remapping at the same address: the GPU sees the new memory */
	CHECK(mmap(p + 8 * PAGE, 8 * PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) ==
	      p + 8 * PAGE);
	p[8 * PAGE] = 99;
	CHECK_EQ(gpu_read(fd, p + 8 * PAGE, buf, 1), SGPU_STATUS_OK);
	CHECK_EQ(buf[0], 99);
	return 0;
}

static int t_mprotect(void)
{
	size_t n = 8 * PAGE;
	char *p = map_anon(n, PROT_READ | PROT_WRITE);
	char buf[8] = { 1 };
	uint8_t snap[8];
	int fd = dev_open_init();

	CHECK_EQ(gpu_write(fd, p, buf, 8), SGPU_STATUS_OK);
	CHECK_EQ(snapshot(fd, p, 1, snap, 0), 0);
	CHECK_EQ(snap[0], SGPU_PTE_READ | SGPU_PTE_WRITE);
	CHECK(mprotect(p, n, PROT_READ) == 0);
	CHECK_EQ(snapshot(fd, p, 1, snap, 0), 0);
	CHECK_EQ(snap[0], SGPU_PTE_NONE);
	CHECK_EQ(gpu_write(fd, p, buf, 8), SGPU_STATUS_FAULT);
	CHECK_EQ(gpu_read(fd, p, buf, 8), SGPU_STATUS_OK);
	CHECK_EQ(snapshot(fd, p, 1, snap, 0), 0);
	CHECK_EQ(snap[0], SGPU_PTE_READ);
	CHECK(mprotect(p, n, PROT_NONE) == 0);
	CHECK_EQ(gpu_read(fd, p, buf, 8), SGPU_STATUS_FAULT);
	CHECK(mprotect(p, n, PROT_READ | PROT_WRITE) == 0);
	CHECK_EQ(gpu_write(fd, p, buf, 8), SGPU_STATUS_OK);
	return 0;
}

static int t_two_clients(void)
{
	size_t n = 8 * PAGE;
	char *p = map_anon(n, PROT_READ | PROT_WRITE);
	char *buf = malloc(n);
	struct drm_sgpu_counters ca, cb;
	uint8_t snap[8];
	int a = dev_open_init(), b = dev_open_init();

	fill_pattern(buf, n, 61);
	CHECK_EQ(gpu_write(a, p, buf, n), SGPU_STATUS_OK);
	memset(buf, 0, n);
	CHECK_EQ(gpu_read(b, p, buf, n), SGPU_STATUS_OK);
	check_pattern(buf, n, 61);
	CHECK(madvise(p, n, MADV_DONTNEED) == 0);
	counters(a, &ca);
	counters(b, &cb);
	CHECK_EQ(ca.mirrored_pages, 0);
	CHECK_EQ(cb.mirrored_pages, 0);
	CHECK_EQ(snapshot(b, p, 8, snap, 0), 0);
	CHECK_EQ(snap[0], SGPU_PTE_NONE);
	/* Closing one client leaves the other working */
	close(a);
	CHECK_EQ(gpu_read(b, p, buf, 8), SGPU_STATUS_OK);
	CHECK_EQ(buf[0], 0);
	return 0;
}

static int t_snapshot_codes(void)
{
	char *p = map_anon(6 * PAGE, PROT_READ | PROT_WRITE);
	uint8_t snap[6], cpu[6];
	char buf[8];
	int fd = dev_open();

	/* pages 4-5 are the unmanaged window */
	CHECK_EQ(svm_init(fd, (uintptr_t)p + 4 * PAGE + 10, PAGE), 0);
	p[PAGE] = 1;				/* page 1: written */
	CHECK(mprotect(p + 3 * PAGE, PAGE, PROT_NONE) == 0);
	CHECK_EQ(gpu_read(fd, p + 2 * PAGE, buf, 8), SGPU_STATUS_OK);
	CHECK_EQ(gpu_read(fd, p + PAGE, buf, 8), SGPU_STATUS_OK);
	CHECK_EQ(snapshot(fd, p, 6, snap, 0), 0);
	CHECK_EQ(snap[0], SGPU_PTE_NONE);
	CHECK_EQ(snap[1], SGPU_PTE_READ | SGPU_PTE_WRITE);
	CHECK_EQ(snap[2], SGPU_PTE_READ);	/* the zero page */
	CHECK_EQ(snap[3], SGPU_PTE_NONE);
	CHECK_EQ(snap[4], SGPU_PTE_UNMANAGED);
	CHECK_EQ(snap[5], SGPU_PTE_UNMANAGED);
	CHECK_EQ(snapshot(fd, p, 6, cpu, SGPU_SNAPSHOT_CPU), 0);
	CHECK_EQ(cpu[0], SGPU_PTE_NONE);
	CHECK_EQ(cpu[1], SGPU_PTE_READ | SGPU_PTE_WRITE);
	CHECK_EQ(cpu[2], SGPU_PTE_READ);
	CHECK_EQ(cpu[3], SGPU_PTE_ERROR);
	CHECK_EQ(cpu[4], SGPU_PTE_UNMANAGED);
	return 0;
}

static int t_unmanaged(void)
{
	size_t n = 16 * PAGE;
	char *p = map_anon(n, PROT_READ | PROT_WRITE);
	struct drm_sgpu_engine e;
	uint8_t snap[16];
	char *buf = malloc(n);
	int fd = dev_open(), i;

	CHECK_EQ(svm_init(fd, (uintptr_t)p + 8 * PAGE, 4 * PAGE), 0);
	memset(p, 0x33, n);
	/* A command that runs into the window stops at its first byte */
	memset(&e, 0, sizeof(e));
	e.op = SGPU_ENGINE_READ;
	e.dst = (uintptr_t)p;
	e.size = n;
	e.data = (uintptr_t)buf;
	CHECK_EQ(engine(fd, &e), 0);
	CHECK_EQ(e.status, SGPU_STATUS_UNMANAGED);
	CHECK_EQ(e.fault_addr, (uintptr_t)p + 8 * PAGE);
	/* The fault before it mirrored up to the window, not into it */
	CHECK_EQ(snapshot(fd, p, 16, snap, 0), 0);
	for (i = 0; i < 8; i++)
		CHECK(snap[i] & SGPU_PTE_READ);
	for (i = 8; i < 12; i++)
		CHECK_EQ(snap[i], SGPU_PTE_UNMANAGED);
	CHECK_EQ(gpu_read(fd, p + 12 * PAGE, buf, 4 * PAGE), SGPU_STATUS_OK);
	CHECK_EQ(buf[0], 0x33);
	CHECK_EQ(gpu_write(fd, p + 9 * PAGE, buf, 4), SGPU_STATUS_UNMANAGED);
	return 0;
}

static int t_exit_teardown(void)
{
	char *p = map_anon(16 * PAGE, PROT_READ | PROT_WRITE);
	char buf[16];
	int i, status;

	/* Children exit with live mirrors, some mid-use: no leak, no oops */
	for (i = 0; i < 8; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			int fd = dev_open_init();

			memset(p, i, 16 * PAGE);
			gpu_read(fd, p, buf, 16);
			if (i % 2)
				_exit(0);	/* file closed at exit */
			munmap(p, 16 * PAGE);
			close(fd);
			_exit(0);
		}
		CHECK(waitpid(pid, &status, 0) == pid);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	/* A file inherited by a child: the mirror is still the parent's */
	{
		int fd = dev_open_init();
		pid_t pid;

		memset(p, 0x44, PAGE);
		pid = fork();
		if (pid == 0) {
			CHECK_EQ(gpu_read(fd, p, buf, 8), SGPU_STATUS_OK);
			CHECK_EQ(buf[0], 0x44);
			_exit(0);
		}
		CHECK(waitpid(pid, &status, 0) == pid);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		close(fd);
	}
	return 0;
}

const struct guest_test mirror_tests[] = {
	{ "anon_read", t_anon_read },
	{ "anon_write", t_anon_write },
	{ "copy_fill", t_copy_fill },
	{ "atomics", t_atomics },
	{ "read_only", t_read_only },
	{ "prot_none", t_prot_none },
	{ "file_backed", t_file_backed },
	{ "fork_cow", t_fork_cow },
	{ "shared_anon", t_shared_anon },
	{ "thp", t_thp },
	{ "munmap_during", t_munmap_during },
	{ "mprotect", t_mprotect },
	{ "two_clients", t_two_clients },
	{ "snapshot_codes", t_snapshot_codes },
	{ "unmanaged", t_unmanaged },
	{ "exit_teardown", t_exit_teardown },
	{ NULL, NULL },
};
