/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tests of sgpu.ko, run as root inside the QEMU guest (statically linked),
 * by the runner of guest_runner.h.
 */
#ifndef SGPU_TEST_H
#define SGPU_TEST_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guest_runner.h"
#include "sgpu_drm.h"


/* Helpers (sgpu_lib.c) */
int dev_open(void);			/* the sgpu render node, or exits */
int dev_open_init(void);		/* opened and SVM_INIT done */
int svm_init(int fd, uint64_t addr, uint64_t size);	/* 0 or -errno */
int svm_bind(int fd, struct drm_sgpu_svm_bind *b);	/* 0 or -errno */
int engine(int fd, struct drm_sgpu_engine *e);		/* 0 or -errno */
/* Engine commands that must run (ioctl 0); return the status. */
int gpu_read(int fd, const void *gpu, void *buf, size_t n);
int gpu_write(int fd, void *gpu, const void *buf, size_t n);
int gpu_copy(int fd, void *dst, const void *src, size_t n);
int gpu_fill(int fd, void *dst, uint32_t pattern, size_t n);
int gpu_atomic(int fd, unsigned int op, unsigned int flags, void *dst,
	       uint64_t operand, uint64_t compare, uint64_t *old);
int snapshot(int fd, const void *addr, size_t npages, uint8_t *out,
	     unsigned int flags);
void counters(int fd, struct drm_sgpu_counters *c);
void *map_anon(size_t size, int prot);	/* MAP_PRIVATE anonymous, or exits */
void *map_aligned(size_t size, size_t align);
void figure(const char *name, double value, const char *unit);

extern const struct guest_test mirror_tests[];
extern const struct guest_test validate_tests[];
extern const struct guest_test stress_tests[];
extern const struct guest_test migrate_tests[];
int hold_vram(void);
int have_vram(void);	/* SGPU_CAP_MIGRATE_VRAM */

#endif /* SGPU_TEST_H */
