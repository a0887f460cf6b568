/* SPDX-License-Identifier: MIT */
/* Where the built-in library's bitcode is: $SVMGPU_BUILTINS, else beside
 * this library (builtins/ in the build tree, svmgpu/ when installed). */
#ifndef SVMGPU_BUILTINS_PATH_H
#define SVMGPU_BUILTINS_PATH_H

#include <stddef.h>

const char *svmgpu_builtins_path(void);
/* The bitcode, read once and kept; NULL when missing. Do not free. */
const void *svmgpu_builtins_bitcode(size_t *size);
/* Path, size and modification time: part of the cache key. */
const char *svmgpu_builtins_id(void);

/* Another library file in the built-in library's folder. */
void svmgpu_builtins_sibling(const char *name, char *buf, size_t size);

#endif
