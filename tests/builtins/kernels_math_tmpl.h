/* SPDX-License-Identifier: MIT */
/* Math wrappers for one floating type T (float or double), included by
 * kernels_math.cl. Each writes the result of function k for input i at
 * out[k * n + i]; the _v3 and _v16 forms compute the same with vectors. */
#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define FN(name) CAT(CAT(name, _), T)
#define T3 CAT(T, 3)
#define T16 CAT(T, 16)
#define I3 int3
#define I16 int16

void FN(t_unary)(const global T *x, global T *out, int n)
{
	for (int i = 0; i < n; i++) {
		T v = x[i];
		int k = 0;
#define X(name, uf, ud) out[k++ * n + i] = name(v);
		MATH_UNARY(X)
#undef X
	}
}

#define VEC_UNARY(W)                                                            \
	void FN(CAT(t_unary_v, W))(const global T *x, global T *out, int n)     \
	{                                                                       \
		for (int i = 0; i < n / W; i++) {                               \
			CAT(T, W) v = CAT(vload, W)(i, x);                      \
			int k = 0;                                              \
			MATH_UNARY(VEC_UNARY_ONE)                               \
		}                                                               \
	}
#define VEC_UNARY_ONE(name, uf, ud) vstore16_or3(name(v), i, out + k++ * n);

#define vstore16_or3(v, i, p) CAT(vstore, VW)(v, i, p)
#define VW 3
VEC_UNARY(3)
#undef VW
#define VW 16
VEC_UNARY(16)
#undef VW

void FN(t_binary)(const global T *x, const global T *y, global T *out, int n)
{
	for (int i = 0; i < n; i++) {
		int k = 0;
#define X(name, uf, ud) out[k++ * n + i] = name(x[i], y[i]);
		MATH_BINARY(X)
#undef X
		out[k++ * n + i] = fmax(x[i], y[0]);
		out[k++ * n + i] = fmin(x[i], y[0]);
	}
}

#define VEC_BINARY(W)                                                           \
	void FN(CAT(t_binary_v, W))(const global T *x, const global T *y,        \
				    global T *out, int n)                        \
	{                                                                       \
		for (int i = 0; i < n / W; i++) {                               \
			CAT(T, W) a = CAT(vload, W)(i, x), b = CAT(vload, W)(i, y); \
			int k = 0;                                              \
			MATH_BINARY(VEC_BINARY_ONE)                             \
			vstore16_or3(fmax(a, y[0]), i, out + k++ * n);          \
			vstore16_or3(fmin(a, y[0]), i, out + k++ * n);          \
		}                                                               \
	}
#define VEC_BINARY_ONE(name, uf, ud) vstore16_or3(name(a, b), i, out + k++ * n);
#define VW 3
VEC_BINARY(3)
#undef VW
#define VW 16
VEC_BINARY(16)
#undef VW

/* fma, mad, the int-argument functions, ilogb, nan and the pointer ones. */
void FN(t_other)(const global T *x, const global T *y, const global T *z, const global int *e,
		 global T *out, global int *iout, int n)
{
	for (int i = 0; i < n; i++) {
		int k = 0, j = 0, q;
		T t;

		out[k++ * n + i] = fma(x[i], y[i], z[i]);
		out[k++ * n + i] = mad(x[i], y[i], z[i]);
#define X(name, uf, ud) out[k++ * n + i] = name(x[i], e[i]);
		MATH_INTARG(X)
#undef X
		out[k++ * n + i] = ldexp(x[i], e[0]);
		iout[j++ * n + i] = ilogb(x[i]);
		out[k++ * n + i] = fract(x[i], &t);
		out[k++ * n + i] = t;
		out[k++ * n + i] = modf(x[i], &t);
		out[k++ * n + i] = t;
		out[k++ * n + i] = sincos(x[i], &t);
		out[k++ * n + i] = t;
		out[k++ * n + i] = frexp(x[i], &q);
		iout[j++ * n + i] = q;
		out[k++ * n + i] = lgamma_r(x[i], &q);
		iout[j++ * n + i] = q;
		out[k++ * n + i] = remquo(x[i], y[i], &q);
		iout[j++ * n + i] = q;
	}
}

#define VEC_OTHER(W)                                                            \
	void FN(CAT(t_other_v, W))(const global T *x, const global T *y,         \
				   const global T *z, const global int *e,       \
				   global T *out, global int *iout, int n)       \
	{                                                                       \
		for (int i = 0; i < n / W; i++) {                               \
			CAT(T, W) a = CAT(vload, W)(i, x), b = CAT(vload, W)(i, y); \
			CAT(T, W) c = CAT(vload, W)(i, z), t;                   \
			CAT(int, W) ie = CAT(vload, W)(i, e), q;                \
			int k = 0, j = 0;                                       \
			vstore16_or3(fma(a, b, c), i, out + k++ * n);           \
			vstore16_or3(mad(a, b, c), i, out + k++ * n);           \
			vstore16_or3(pown(a, ie), i, out + k++ * n);            \
			vstore16_or3(rootn(a, ie), i, out + k++ * n);           \
			vstore16_or3(ldexp(a, ie), i, out + k++ * n);           \
			vstore16_or3(ldexp(a, e[0]), i, out + k++ * n);         \
			vstore16_or3(ilogb(a), i, iout + j++ * n);              \
			vstore16_or3(fract(a, &t), i, out + k++ * n);           \
			vstore16_or3(t, i, out + k++ * n);                      \
			vstore16_or3(modf(a, &t), i, out + k++ * n);            \
			vstore16_or3(t, i, out + k++ * n);                      \
			vstore16_or3(sincos(a, &t), i, out + k++ * n);          \
			vstore16_or3(t, i, out + k++ * n);                      \
			vstore16_or3(frexp(a, &q), i, out + k++ * n);           \
			vstore16_or3(q, i, iout + j++ * n);                     \
			vstore16_or3(lgamma_r(a, &q), i, out + k++ * n);        \
			vstore16_or3(q, i, iout + j++ * n);                     \
			vstore16_or3(remquo(a, b, &q), i, out + k++ * n);       \
			vstore16_or3(q, i, iout + j++ * n);                     \
		}                                                               \
	}
#define VW 3
VEC_OTHER(3)
#undef VW
#define VW 16
VEC_OTHER(16)
#undef VW

#undef CAT_
#undef CAT
#undef FN
#undef T3
#undef T16
#undef I3
#undef I16
#undef VEC_UNARY
#undef VEC_UNARY_ONE
#undef VEC_BINARY
#undef VEC_BINARY_ONE
#undef VEC_OTHER
#undef vstore16_or3
