/* SPDX-License-Identifier: MIT */
/* This machine's own copy bandwidth, the yardstick of the streaming figures. */
#ifndef SVMGPU_BENCH_HOST_BANDWIDTH_H
#define SVMGPU_BENCH_HOST_BANDWIDTH_H

#include <stdbool.h>
#include <stddef.h>

struct host_bandwidth {
	double one_thread; /* GB/s of bytes copied by one memcpy */
	double all_threads; /* the same bytes split over one thread per online CPU */
	int threads;
};

/* Medians (bench_reps samples after a warm-up) of memcpy between two buffers
 * of `bytes`, both written first: a calloc'd buffer that was never written
 * reads the kernel's shared zero page, from the cache, and would make the
 * figure a write-only one. Returns false if the buffers or threads cannot be
 * had. */
bool host_bandwidth_measure(size_t bytes, struct host_bandwidth *out);

/* The better of the two figures: what a streaming kernel is compared with. */
double host_bandwidth_best(const struct host_bandwidth *bw);

#endif
