// SPDX-License-Identifier: MIT
// Test wrappers of the conversions: t_cv[_v3|_v16]_<dst>_<src>(x, out, n)
// writes convert_<dst>(x[i]), then _rte, _rtz, _rtp, _rtn, then (integer
// destinations) the _sat forms in the same order, at out[k * n + i].

#define SRCS(M, D)                                                              \
	M(D, char) M(D, uchar) M(D, short) M(D, ushort) M(D, int) M(D, uint)    \
	M(D, long) M(D, ulong) M(D, float) M(D, double)

#define ROUNDS(F, D, W, SAT) F(D##W##SAT) F(D##W##SAT##_rte) F(D##W##SAT##_rtz) \
	F(D##W##SAT##_rtp) F(D##W##SAT##_rtn)

#define S1(name) o[k++ * n + i] = convert_##name(v);
#define V3(name) vstore3(convert_##name(vload3(i, x)), i, o + k++ * n);
#define V16(name) vstore16(convert_##name(vload16(i, x)), i, o + k++ * n);

#define INT_DST(D, S)                                                           \
	void t_cv_##D##_##S(const global S *x, global D *o, int n)              \
	{                                                                       \
		for (int i = 0; i < n; i++) {                                   \
			S v = x[i];                                             \
			int k = 0;                                              \
			ROUNDS(S1, D, , ) ROUNDS(S1, D, , _sat)                 \
		}                                                               \
	}                                                                       \
	void t_cv_v3_##D##_##S(const global S *x, global D *o, int n)           \
	{                                                                       \
		for (int i = 0; i < n / 3; i++) {                               \
			int k = 0;                                              \
			ROUNDS(V3, D, 3, ) ROUNDS(V3, D, 3, _sat)               \
		}                                                               \
	}                                                                       \
	void t_cv_v16_##D##_##S(const global S *x, global D *o, int n)          \
	{                                                                       \
		for (int i = 0; i < n / 16; i++) {                              \
			int k = 0;                                              \
			ROUNDS(V16, D, 16, ) ROUNDS(V16, D, 16, _sat)           \
		}                                                               \
	}

#define FLOAT_DST(D, S)                                                         \
	void t_cv_##D##_##S(const global S *x, global D *o, int n)              \
	{                                                                       \
		for (int i = 0; i < n; i++) {                                   \
			S v = x[i];                                             \
			int k = 0;                                              \
			ROUNDS(S1, D, , )                                       \
		}                                                               \
	}                                                                       \
	void t_cv_v3_##D##_##S(const global S *x, global D *o, int n)           \
	{                                                                       \
		for (int i = 0; i < n / 3; i++) {                               \
			int k = 0;                                              \
			ROUNDS(V3, D, 3, )                                      \
		}                                                               \
	}                                                                       \
	void t_cv_v16_##D##_##S(const global S *x, global D *o, int n)          \
	{                                                                       \
		for (int i = 0; i < n / 16; i++) {                              \
			int k = 0;                                              \
			ROUNDS(V16, D, 16, )                                    \
		}                                                               \
	}

SRCS(INT_DST, char)
SRCS(INT_DST, uchar)
SRCS(INT_DST, short)
SRCS(INT_DST, ushort)
SRCS(INT_DST, int)
SRCS(INT_DST, uint)
SRCS(INT_DST, long)
SRCS(INT_DST, ulong)
SRCS(FLOAT_DST, float)
SRCS(FLOAT_DST, double)
