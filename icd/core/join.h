/* SPDX-License-Identifier: MIT */
/* Joining the runtime's threads at exit, without holding the process up. */
#ifndef SVMGPU_JOIN_H
#define SVMGPU_JOIN_H

#include <pthread.h>
#include <stdbool.h>
#include <time.h>

/* Joins t if it ends within ms milliseconds; false otherwise (still running). */
static inline bool svmgpu_join_within(pthread_t t, long ms)
{
	struct timespec deadline;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += ms / 1000;
	deadline.tv_nsec += (ms % 1000) * 1000 * 1000;
	if (deadline.tv_nsec >= 1000000000) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000;
	}
	return pthread_timedjoin_np(t, NULL, &deadline) == 0;
}

#endif
