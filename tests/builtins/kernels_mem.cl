// SPDX-License-Identifier: MIT
// Test wrappers of vector loads and stores, half conversions and shuffles
// (test_memory.c).

// For each width W: out gets in reloaded through vloadW/vstoreW from an
// unaligned base (in + 1), directly, through private and through local
// memory; 3 * 16 elements per width. From constant memory as well.
#define VLS(T)                                                                  \
	void t_vls_##T(const global T *in, global T *out, local T *tmp, constant T *cin) \
	{                                                                       \
		T priv[64];                                                     \
		VLS_W(T, 2) VLS_W(T, 3) VLS_W(T, 4) VLS_W(T, 8) VLS_W(T, 16)    \
	}
#define VLS_W(T, W)                                                             \
	for (int i = 0; i < 48 / W; i++) {                                      \
		vstore##W(vload##W(i, in + 1), i, priv + 1);                    \
		vstore##W(vload##W(i, priv + 1), i, tmp + 1);                   \
		vstore##W(vload##W(i, tmp + 1), i, out + 1);                    \
		vstore##W(vload##W(i, cin + 1), i, out + 64 + 1);               \
	}                                                                       \
	out += 128;
VLS(char)
VLS(uchar)
VLS(short)
VLS(ushort)
VLS(int)
VLS(uint)
VLS(long)
VLS(ulong)
VLS(float)
VLS(double)

void t_vload_half(const global half *h, global float *f, int n)
{
	for (int i = 0; i < n; i++)
		f[i] = vload_half(i, h);
	for (int i = 0; i < n / 16; i++)
		vstore16(vload_half16(i, h), i, f + n);
	for (int i = 0; i < n / 4; i++)
		vstore4(vloada_half4(i, h), i, f + 2 * n);
	for (int i = 0; i < n / 4; i++)
		vstore3(vloada_half3(i, h), i, f + 3 * n);
	for (int i = 0; i < n / 3; i++)
		vstore3(vload_half3(i, h), i, f + 4 * n);
}

// The five rounding forms (default, rte, rtz, rtp, rtn) at h[k * n + i],
// for float sources; then 5 * n more for double sources; vector forms
// (4 and 16 elements) write the same to h2.
#define STORE_HALF(S)                                                           \
	void t_vstore_half_##S(const global S *x, global half *h, global half *h2, int n) \
	{                                                                       \
		for (int i = 0; i < n; i++) {                                   \
			vstore_half(x[i], i, h);                                \
			vstore_half_rte(x[i], i, h + n);                        \
			vstore_half_rtz(x[i], i, h + 2 * n);                    \
			vstore_half_rtp(x[i], i, h + 3 * n);                    \
			vstore_half_rtn(x[i], i, h + 4 * n);                    \
		}                                                               \
		for (int i = 0; i < n / 16; i++) {                              \
			vstore_half16(vload16(i, x), i, h2);                    \
			vstore_half16_rte(vload16(i, x), i, h2 + n);            \
			vstore_half16_rtz(vload16(i, x), i, h2 + 2 * n);        \
			vstorea_half4_rtp(vload4(4 * i, x), 4 * i, h2 + 3 * n); \
			vstorea_half4_rtp(vload4(4 * i + 1, x), 4 * i + 1, h2 + 3 * n); \
			vstorea_half4_rtp(vload4(4 * i + 2, x), 4 * i + 2, h2 + 3 * n); \
			vstorea_half4_rtp(vload4(4 * i + 3, x), 4 * i + 3, h2 + 3 * n); \
			vstore_half8_rtn(vload8(2 * i, x), 2 * i, h2 + 4 * n);  \
			vstore_half8_rtn(vload8(2 * i + 1, x), 2 * i + 1, h2 + 4 * n); \
		}                                                               \
	}
STORE_HALF(float)
STORE_HALF(double)

// vstorea_half3 steps by 4 halves and leaves the fourth alone.
void t_vstorea_half3(global half *h)
{
	vstorea_half3_rtz((float3)(1.0f, 2.0f, 3.0f), 1, h);
	vstore_half3((float3)(4.0f, 5.0f, 6.0f), 3, h);
}

void t_shuffle(const global int *x, const global uint *m, global int *o, global double *od)
{
	int4 a = vload4(0, x), b = vload4(1, x);
	int16 c = vload16(0, x);

	vstore4(shuffle(a, vload4(0, m)), 0, o);
	vstore4(shuffle2(a, b, vload4(0, m)), 1, o);
	vstore8(shuffle(c, vload8(0, m)), 1, o);
	vstore2(shuffle(a.xy, vload2(0, m)), 8, o);
	vstore16(shuffle2(c, c + 100, vload16(0, m)), 2, o);
	vstore4(shuffle(convert_double2(a.xy), convert_ulong4(vload4(0, m))), 0, od);
}
