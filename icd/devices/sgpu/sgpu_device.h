/* SPDX-License-Identifier: MIT */
/* The sgpu device: the emulated GPU of drm/sgpu.ko through libdrm_svm.
 * Listed when a render node of the module opens and SVM init succeeds; it
 * reports only the SVM the kernel granted (mirroring: every SVM kind, any
 * pointer). clEnqueueSVMMemcpy and clEnqueueSVMMemFill run on the emulated
 * GPU's engine through its mirrored page table; clEnqueueSVMMigrateMem
 * binds the range to VRAM or back (a hint: never fails the command);
 * kernels run on the CPU executor. SVMGPU_SGPU=off hides it. */
#ifndef SVMGPU_SGPU_DEVICE_H
#define SVMGPU_SGPU_DEVICE_H

#include "device.h"

/* Creates the sgpu device (at most max) into list; returns how many. */
cl_uint svmgpu_sgpu_devices_create(cl_platform_id platform, cl_device_id *list, cl_uint max);

#endif
