// SPDX-License-Identifier: MIT
#include "host_bandwidth.h"

#include "bench_util.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { MAX_THREADS = 64 };

/* Through a volatile pointer so that the compiler keeps every call. */
static void *(*volatile do_memcpy)(void *, const void *, size_t) = memcpy;

static struct {
	unsigned char *src, *dst;
	size_t bytes;
	int threads;
} copy;

struct slice {
	size_t lo, hi;
};

static void *copy_slice(void *arg)
{
	const struct slice *s = arg;

	do_memcpy(copy.dst + s->lo, copy.src + s->lo, s->hi - s->lo);
	return NULL;
}

/* GB/s of copying the buffer in `threads` slices of whole cache lines, one
 * per thread; this thread copies the first. */
static double split_copy(int threads)
{
	pthread_t tid[MAX_THREADS];
	struct slice s[MAX_THREADS];
	size_t per = (copy.bytes / threads + 63) & ~(size_t)63;
	int started = 0;
	double t = now_us();

	for (int i = 0; i < threads; i++) {
		s[i].lo = per * i < copy.bytes ? per * i : copy.bytes;
		s[i].hi = per * (i + 1) < copy.bytes ? per * (i + 1) : copy.bytes;
	}
	for (int i = 1; i < threads; i++, started++)
		if (pthread_create(&tid[i], NULL, copy_slice, &s[i]))
			break;
	copy_slice(&s[0]);
	for (int i = 1; i <= started; i++)
		pthread_join(tid[i], NULL);
	if (started != threads - 1)
		return NAN; /* ends the figure */
	return copy.bytes / ((now_us() - t) * 1e3);
}

static double s_one_thread(struct plat *p)
{
	(void)p;
	return split_copy(1);
}

static double s_all_threads(struct plat *p)
{
	(void)p;
	return split_copy(copy.threads);
}

bool host_bandwidth_measure(size_t bytes, struct host_bandwidth *out)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	copy.threads = cpus < 1 ? 1 : cpus > MAX_THREADS ? MAX_THREADS : (int)cpus;
	copy.bytes = bytes;
	copy.src = malloc(bytes);
	copy.dst = malloc(bytes);
	if (!copy.src || !copy.dst) {
		free(copy.src);
		free(copy.dst);
		return false;
	}
	memset(copy.src, 0x33, bytes);
	memset(copy.dst, 0x44, bytes);
	out->threads = copy.threads;
	out->one_thread = median_of(s_one_thread, NULL);
	out->all_threads = median_of(s_all_threads, NULL);
	free(copy.src);
	free(copy.dst);
	return !isnan(out->one_thread) && !isnan(out->all_threads);
}

double host_bandwidth_best(const struct host_bandwidth *bw)
{
	return bw->one_thread > bw->all_threads ? bw->one_thread : bw->all_threads;
}
