/* SPDX-License-Identifier: MIT */
/* The clGet*Info copy-out rule, in one place: report the size, copy the value
 * when a buffer is given, CL_INVALID_VALUE when that buffer is too small. */
#ifndef SVMGPU_INFO_H
#define SVMGPU_INFO_H

#include "cl_base.h"
#include <stddef.h>

cl_int svmgpu_info(size_t param_value_size, void *param_value,
		   size_t *param_value_size_ret, const void *src, size_t src_size);
cl_int svmgpu_info_str(size_t param_value_size, void *param_value,
		       size_t *param_value_size_ret, const char *str);

/* Scalars by value: SVMGPU_INFO_VAL(cl_uint, x) */
#define SVMGPU_INFO_VAL(type, expr)                                                   \
	do {                                                                          \
		type v__ = (expr);                                                    \
		return svmgpu_info(param_value_size, param_value, param_value_size_ret, \
				   &v__, sizeof(v__));                                \
	} while (0)

#endif
