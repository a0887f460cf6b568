/* SPDX-License-Identifier: MIT */
/* Integer wrappers for one integer type T (kernels_misc.cl): function k of
 * INT_FUNCS at out[k * n + i], then mad24/mul24 (int and uint), then the
 * vector-scalar max/min/clamp. */
#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define FN(name) CAT(CAT(name, _), T)
#define A1(f) f(a[i])
#define A2(f) f(a[i], b[i])
#define A3(f) f(a[i], b[i], c[i])

void FN(t_int)(const global T *a, const global T *b, const global T *c, global T *o, int n)
{
	for (int i = 0; i < n; i++) {
		int k = 0;
#define X(name, ar) o[k++ * n + i] = (T)A##ar(name);
		INT_FUNCS(X)
#undef X
#if IS_32
		o[k++ * n + i] = mad24(a[i], b[i], c[i]);
		o[k++ * n + i] = mul24(a[i], b[i]);
#else
		k += 2;
#endif
	}
}

#define VA1(f) f(va)
#define VA2(f) f(va, vb)
#define VA3(f) f(va, vb, vc)
#define VEC_INT(W)                                                              \
	void FN(CAT(t_int_v, W))(const global T *a, const global T *b,           \
				 const global T *c, global T *o, int n)          \
	{                                                                       \
		for (int i = 0; i < n / W; i++) {                               \
			CAT(T, W) va = CAT(vload, W)(i, a), vb = CAT(vload, W)(i, b); \
			CAT(T, W) vc = CAT(vload, W)(i, c);                     \
			int k = 0;                                              \
			INT_FUNCS(VEC_INT_ONE)                                  \
			VEC_24                                                  \
			CAT(vstore, W)(max(va, b[0]), i, o + k++ * n);          \
			CAT(vstore, W)(min(va, b[0]), i, o + k++ * n);          \
			CAT(vstore, W)(clamp(va, b[0], c[0]), i, o + k++ * n);  \
		}                                                               \
	}
#define VEC_INT_ONE(name, ar) CAT(vstore, VW)(CAT(as_, CAT(T, VW))(VA##ar(name)), i, o + k++ * n);
#if IS_32
#define VEC_24                                                                  \
	CAT(vstore, VW)(mad24(va, vb, vc), i, o + k++ * n);                     \
	CAT(vstore, VW)(mul24(va, vb), i, o + k++ * n);
#else
#define VEC_24 k += 2;
#endif
#define VW 3
VEC_INT(3)
#undef VW
#define VW 16
VEC_INT(16)
#undef VW

#undef VEC_24
#undef VEC_INT
#undef VEC_INT_ONE
#undef VA1
#undef VA2
#undef VA3
#undef A1
#undef A2
#undef A3
#undef CAT_
#undef CAT
#undef FN
