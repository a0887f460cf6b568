/* SPDX-License-Identifier: GPL-2.0-only */
/* The emulated GPU's engine: memory commands through the SVM page table. */
#ifndef SGPU_ENGINE_H
#define SGPU_ENGINE_H

#include "include/uapi/sgpu_drm.h"

struct sgpu_svm;

/* Largest READ/WRITE/COPY/FILL command, in bytes. */
#define SGPU_ENGINE_MAX_BYTES	(1ULL << 30)

/* -EINVAL for malformed commands (see struct drm_sgpu_engine), else 0. */
int sgpu_engine_check(const struct drm_sgpu_engine *cmd);

/*
 * Execute a checked command. 0: it ran, cmd->status says how it ended;
 * negative errno: the ioctl fails (-EFAULT for the caller's own buffer,
 * -ENOMEM, -EINTR).
 */
int sgpu_engine_run(struct sgpu_svm *svm, struct drm_sgpu_engine *cmd);

#endif /* SGPU_ENGINE_H */
