/* SPDX-License-Identifier: MIT */
/* Diagnostics: SVMGPU_DEBUG=1 prints what the runtime does and why a call
 * failed, on stderr. Off by default; the check is one load. */
#ifndef SVMGPU_LOG_H
#define SVMGPU_LOG_H

#include <stdbool.h>

extern bool svmgpu_debug_enabled;

void svmgpu_log_init(void);
void svmgpu_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Logs why an entry point fails and evaluates to the error code. */
#define SVMGPU_ERR(code, ...)                                                   \
	(svmgpu_debug_enabled ? (svmgpu_log("svmgpu: %s: " #code ": ", __func__),    \
				 svmgpu_log(__VA_ARGS__), svmgpu_log("\n"), (code)) \
			      : (code))

#endif
