// SPDX-License-Identifier: MIT
/* Integer built-ins libclc 19's nvptx64--nvidiacl library lacks (ctz,
 * mad_hi) or gets wrong (sub_sat of int and long), for every integer type
 * and vector width. */

#define FOR_WIDTHS(M, T)                                                        \
	M(T, T) M(T##2, T) M(T##3, T) M(T##4, T) M(T##8, T) M(T##16, T)
#define FOR_TYPES(M)                                                            \
	FOR_WIDTHS(M, char) FOR_WIDTHS(M, uchar) FOR_WIDTHS(M, short)           \
	FOR_WIDTHS(M, ushort) FOR_WIDTHS(M, int) FOR_WIDTHS(M, uint)            \
	FOR_WIDTHS(M, long) FOR_WIDTHS(M, ulong)

/* The trailing zeros are the ones of (x & -x) - 1; for 0 that is every bit. */
#define CTZ(V, S)                                                               \
	__attribute__((overloadable)) V ctz(V x)                                \
	{                                                                       \
		return popcount((V)((x & (V)(-x)) - (V)1));                     \
	}
#define MAD_HI(V, S)                                                            \
	__attribute__((overloadable)) V mad_hi(V a, V b, V c)                   \
	{                                                                       \
		return mul_hi(a, b) + c;                                        \
	}

FOR_TYPES(CTZ)
FOR_TYPES(MAD_HI)

/* a - b saturated: overflow only when the signs differ and the result's sign
 * is not a's. */
#define SUB_SAT_SIGNED(V, S)                                                    \
	__attribute__((overloadable)) V sub_sat(V a, V b)                       \
	{                                                                       \
		V r = as_##V(as_u##V(a) - as_u##V(b));                          \
		V ovf = ((a ^ b) & (a ^ r)) < (V)0;                             \
		return ovf ? (a < (V)0 ? (V)S##_MIN : (V)S##_MAX) : r;          \
	}
#define SUB_SAT_WIDTHS(T, S)                                                    \
	SUB_SAT_SIGNED(T, S) SUB_SAT_SIGNED(T##2, S) SUB_SAT_SIGNED(T##3, S)    \
	SUB_SAT_SIGNED(T##4, S) SUB_SAT_SIGNED(T##8, S) SUB_SAT_SIGNED(T##16, S)

SUB_SAT_WIDTHS(int, INT)
SUB_SAT_WIDTHS(long, LONG)
