// SPDX-License-Identifier: MIT
#include "info.h"
#include <string.h>

cl_int svmgpu_info(size_t param_value_size, void *param_value,
		   size_t *param_value_size_ret, const void *src, size_t src_size)
{
	if (param_value) {
		if (param_value_size < src_size)
			return CL_INVALID_VALUE;
		if (src_size)
			memcpy(param_value, src, src_size);
	}
	if (param_value_size_ret)
		*param_value_size_ret = src_size;
	return CL_SUCCESS;
}

cl_int svmgpu_info_str(size_t param_value_size, void *param_value,
		       size_t *param_value_size_ret, const char *str)
{
	return svmgpu_info(param_value_size, param_value, param_value_size_ret, str,
			   strlen(str) + 1);
}
