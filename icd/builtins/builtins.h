/* SPDX-License-Identifier: MIT */
/* Shared by every OpenCL C file of the built-in library (hand-written and
 * generated). The library is compiled with opencl-c.h (-cl-no-stdinc
 * -finclude-default-header): each definition matches a declaration of the
 * header, which fixes its overload and so its mangled name. Kernels call
 * them by those names; the compiler links this library into every program,
 * internalizes it and inlines what is small.
 *
 * Helpers shared between files are overloadable and start with __svm_. */
#ifndef SVMGPU_BUILTINS_H
#define SVMGPU_BUILTINS_H

#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#pragma OPENCL FP_CONTRACT OFF

#define OVL __attribute__((overloadable))
#define CNST __attribute__((const))

/* Work-group synchronisation and scratch memory (builtins/workitem.c). The
 * scratch is thread-local to the module and so private to the running
 * work-group; it holds SVMGPU_WG_SCRATCH 8-byte slots. */
#define SVMGPU_WG_SCRATCH 2048
__attribute__((convergent)) void __svmgpu_wg_sync(uint flags);
__private ulong *__svmgpu_wg_scratch(void);

/* Scalar helpers with a private pointer, from which every address-space
 * overload of the pointer built-ins (fract, modf, frexp, sincos, remquo,
 * lgamma_r) is generated. */
OVL float __svm_fract(float x, __private float *ip);
OVL double __svm_fract(double x, __private double *ip);
OVL float __svm_modf(float x, __private float *ip);
OVL double __svm_modf(double x, __private double *ip);
OVL float __svm_frexp(float x, __private int *e);
OVL double __svm_frexp(double x, __private int *e);
OVL float __svm_sincos(float x, __private float *c);
OVL double __svm_sincos(double x, __private double *c);
OVL float __svm_remquo(float x, float y, __private int *q);
OVL double __svm_remquo(double x, double y, __private int *q);
OVL float __svm_lgamma_r(float x, __private int *s);
OVL double __svm_lgamma_r(double x, __private int *s);

/* Half <-> float/double with explicit rounding (mode: 0 rte, 1 rtz, 2 rtp,
 * 3 rtn), bit-exact. */
OVL float __svm_half2float(ushort h);
OVL ushort __svm_float2half(float f, int mode);
OVL ushort __svm_float2half(double f, int mode);

/* Integer to floating point with a directed rounding mode (1 rtz, 2 rtp,
 * 3 rtn; 0 is the plain conversion), bit-exact. */
OVL float __svm_cvt_float(int x, int mode);
OVL float __svm_cvt_float(uint x, int mode);
OVL float __svm_cvt_float(long x, int mode);
OVL float __svm_cvt_float(ulong x, int mode);
OVL float __svm_cvt_float(double x, int mode);
OVL double __svm_cvt_double(long x, int mode);
OVL double __svm_cvt_double(ulong x, int mode);

#endif
