// SPDX-License-Identifier: MIT
#include "log.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

bool svmgpu_debug_enabled;

void svmgpu_log_init(void)
{
	const char *v = getenv("SVMGPU_DEBUG");

	svmgpu_debug_enabled = v && *v && *v != '0';
}

void svmgpu_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}
