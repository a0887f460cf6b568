// SPDX-License-Identifier: MIT
// Test wrappers of the integer, common, relational, geometric and memory
// built-ins (test_integer.c, test_common.c, test_memory.c).
#include "lists.h"

#define IS_32 0
#define T char
#include "kernels_misc_tmpl.h"
#undef T
#define T uchar
#include "kernels_misc_tmpl.h"
#undef T
#define T short
#include "kernels_misc_tmpl.h"
#undef T
#define T ushort
#include "kernels_misc_tmpl.h"
#undef T
#define T long
#include "kernels_misc_tmpl.h"
#undef T
#define T ulong
#include "kernels_misc_tmpl.h"
#undef T
#undef IS_32
#define IS_32 1
#define T int
#include "kernels_misc_tmpl.h"
#undef T
#define T uint
#include "kernels_misc_tmpl.h"
#undef T

void t_upsample(const global char *c, const global uchar *uc, const global short *s,
		const global ushort *us, const global int *i32, const global uint *u32,
		global long *o, int n)
{
	for (int i = 0; i < n; i++) {
		o[6 * i + 0] = upsample(c[i], uc[i]);
		o[6 * i + 1] = upsample(uc[i], uc[i]);
		o[6 * i + 2] = upsample(s[i], us[i]);
		o[6 * i + 3] = upsample(us[i], us[i]);
		o[6 * i + 4] = upsample(i32[i], u32[i]);
		o[6 * i + 5] = (long)upsample(u32[i], u32[i]);
	}
	// The vector forms, over the first four inputs.
	vstore4(convert_long4(upsample(vload4(0, c), vload4(0, uc))), 0, o + 6 * n);
	vstore4(convert_long4(upsample(vload4(0, i32), vload4(0, u32))), 1, o + 6 * n);
}

// Relational: 14 scalar results, then the same with 4-vectors (-1/0).
#define REL(X)                                                                  \
	X(isequal(a, b)) X(isnotequal(a, b)) X(isgreater(a, b))                 \
	X(isgreaterequal(a, b)) X(isless(a, b)) X(islessequal(a, b))            \
	X(islessgreater(a, b)) X(isordered(a, b)) X(isunordered(a, b))          \
	X(isfinite(a)) X(isinf(a)) X(isnan(a)) X(isnormal(a)) X(signbit(a))

#define REL_T(T, V4)                                                            \
	void t_rel_##T(const global T *x, const global T *y, global int *o, int n) \
	{                                                                       \
		for (int i = 0; i < n; i++) {                                   \
			T a = x[i], b = y[i];                                   \
			int k = 0;                                              \
			REL(REL_S)                                              \
		}                                                               \
		for (int i = 0; i < n / 4; i++) {                               \
			T##4 a = vload4(i, x), b = vload4(i, y);                \
			int k = 14;                                             \
			REL(REL_V)                                              \
		}                                                               \
	}
#define REL_S(e) o[k++ * n + i] = e;
#define REL_V(e) vstore4(convert_int4(e), i, o + k++ * n);
REL_T(float, int4)
REL_T(double, long4)

// Common functions: 9 results per input; then geometric ones on 4-vectors.
#define COMMON_T(T)                                                             \
	void t_common_##T(const global T *x, const global T *y, const global T *z, \
			  global T *o, int n)                                    \
	{                                                                       \
		for (int i = 0; i < n; i++) {                                   \
			T a = x[i], lo = fmin(y[i], z[i]), hi = fmax(y[i], z[i]); \
			int k = 0;                                              \
			o[k++ * n + i] = clamp(a, lo, hi);                      \
			o[k++ * n + i] = degrees(a);                            \
			o[k++ * n + i] = radians(a);                            \
			o[k++ * n + i] = max(a, y[i]);                          \
			o[k++ * n + i] = min(a, y[i]);                          \
			o[k++ * n + i] = mix(a, y[i], z[i]);                    \
			o[k++ * n + i] = step(y[i], a);                         \
			o[k++ * n + i] = smoothstep(lo, hi, a);                 \
			o[k++ * n + i] = sign(a);                               \
		}                                                               \
		for (int i = 0; i < n / 16; i++) {                              \
			T##16 a = vload16(i, x), lo = fmin(vload16(i, y), vload16(i, z)); \
			T##16 hi = fmax(vload16(i, y), vload16(i, z));          \
			int k = 9;                                              \
			vstore16(clamp(a, lo, hi), i, o + k++ * n);             \
			vstore16(degrees(a), i, o + k++ * n);                   \
			vstore16(radians(a), i, o + k++ * n);                   \
			vstore16(max(a, vload16(i, y)), i, o + k++ * n);        \
			vstore16(min(a, vload16(i, y)), i, o + k++ * n);        \
			vstore16(mix(a, vload16(i, y), vload16(i, z)), i, o + k++ * n); \
			vstore16(step(vload16(i, y), a), i, o + k++ * n);       \
			vstore16(smoothstep(lo, hi, a), i, o + k++ * n);        \
			vstore16(sign(a), i, o + k++ * n);                      \
		}                                                               \
	}                                                                       \
	void t_geom_##T(const global T *x, const global T *y, global T *o, int n) \
	{                                                                       \
		for (int i = 0; i < n / 4; i++) {                               \
			T##4 p = vload4(i, x), q = vload4(i, y);                \
			o[8 * i + 0] = dot(p, q);                               \
			o[8 * i + 1] = length(p);                               \
			o[8 * i + 2] = distance(p, q);                          \
			o[8 * i + 3] = length(p.xyz);                           \
			o[8 * i + 4] = length(p.x);                             \
			o[8 * i + 5] = dot(p.xy, q.xy);                         \
			vstore4(normalize(p), 0, o + 8 * n + 4 * i);            \
			vstore4(cross(p, q), 0, o + 12 * n + 4 * i);            \
			vstore3(cross(p.xyz, q.xyz), 0, o + 16 * n + 4 * i);    \
			vstore3(normalize(p.xyz), 0, o + 20 * n + 4 * i);       \
		}                                                               \
	}
COMMON_T(float)
COMMON_T(double)

void t_fast_geom(const global float *x, global float *o, int n)
{
	for (int i = 0; i < n / 4; i++) {
		float4 p = vload4(i, x);

		o[6 * i + 0] = fast_length(p);
		o[6 * i + 1] = fast_distance(p, (float4)0);
		vstore4(fast_normalize(p), 0, o + 6 * n + 4 * i);
	}
}

void t_select(const global int *a, const global int *b, const global int *c, global int *o,
	      const global double *da, const global double *db, const global long *dc,
	      global double *od)
{
	int4 va = vload4(0, a), vb = vload4(0, b), vc = vload4(0, c);

	vstore4(select(va, vb, vc), 0, o);
	vstore4(select(va, vb, as_uint4(vc)), 1, o);
	vstore4(bitselect(va, vb, vc), 2, o);
	o[12] = select(a[0], b[0], c[0]);
	o[13] = select(a[0], b[0], 0);
	o[14] = any(vc);
	o[15] = all(vc);
	o[16] = any(c[0]);
	o[17] = all(vc.s01);
	o[18] = any(convert_char16(vload16(0, c)));
	o[19] = all(convert_long3(vc.xyz));
	vstore4(select(vload4(0, da), vload4(0, db), vload4(0, dc)), 0, od);
	vstore4(bitselect(vload4(0, da), vload4(0, db), as_double4(vload4(0, dc))), 1, od);
}
