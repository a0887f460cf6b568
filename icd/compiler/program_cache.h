/* SPDX-License-Identifier: MIT */
/* The on-disk program cache: built executables keyed by everything that
 * decides their content (source, options, svmgpu and kernel ABI versions,
 * LLVM and the host CPU, clang, the built-in library). $SVMGPU_CACHE_DIR
 * (or $XDG_CACHE_HOME/svmgpu, ~/.cache/svmgpu); SVMGPU_CACHE_DIR=off
 * disables it. Entries are written atomically; a broken one is a miss. */
#ifndef SVMGPU_PROGRAM_CACHE_H
#define SVMGPU_PROGRAM_CACHE_H

#include <stddef.h>

void svmgpu_cache_key(const char *source, const char *options, char key[64]);
/* For PTX: from the source, options, architecture and versions only (no
 * machine paths), so that a cache filled on one machine serves another. */
void svmgpu_cache_key_ptx(const char *source, const char *options, const char *arch,
			  char key[64]);
void *svmgpu_cache_get(const char *key, size_t *size);
void svmgpu_cache_put(const char *key, const void *data, size_t size);

#endif
