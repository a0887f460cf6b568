// SPDX-License-Identifier: MIT
// Integer built-ins of every integer type against 128-bit references, on
// edge and random values; 3- and 16-element vectors must agree.
#include "harness.h"
#include "lists.h"

#include <stdlib.h>
#include <string.h>

#define N 960

typedef __int128 i128;
typedef unsigned __int128 u128;

struct ity {
	const char *name;
	int bits, is_signed;
};

static const struct ity itys[] = {
	{"char", 8, 1}, {"uchar", 8, 0}, {"short", 16, 1}, {"ushort", 16, 0},
	{"int", 32, 1}, {"uint", 32, 0}, {"long", 64, 1}, {"ulong", 64, 0},
};

static i128 tmin(const struct ity *t)
{
	return t->is_signed ? -((i128)1 << (t->bits - 1)) : 0;
}

static i128 tmax(const struct ity *t)
{
	return t->is_signed ? ((i128)1 << (t->bits - 1)) - 1 : ((i128)1 << t->bits) - 1;
}

static u128 mask(const struct ity *t)
{
	return ((u128)1 << t->bits) - 1;
}

// Element i of an array of t, as its value.
static i128 get(const struct ity *t, const void *p, int i)
{
	uint64_t u = 0;
	i128 v;

	memcpy(&u, (const char *)p + (size_t)i * (t->bits / 8), t->bits / 8);
	v = (i128)u;
	if (t->is_signed && t->bits < 128 && (u >> (t->bits - 1)) & 1)
		v -= (i128)1 << t->bits;
	return v;
}

static void put(const struct ity *t, void *p, int i, i128 v)
{
	uint64_t u = (uint64_t)((u128)v & mask(t));

	memcpy((char *)p + (size_t)i * (t->bits / 8), &u, t->bits / 8);
}

static i128 clampv(const struct ity *t, i128 v)
{
	return v < tmin(t) ? tmin(t) : v > tmax(t) ? tmax(t) : v;
}

static i128 floor_shift(i128 v)
{
	return v >= 0 ? v / 2 : -((-v + 1) / 2);
}

// Function k of INT_FUNCS (then mad24, mul24) on a, b, c of type t.
static i128 ref(const struct ity *t, int k, i128 a, i128 b, i128 c, int *defined)
{
	u128 ua = (u128)a & mask(t);
	int w = t->bits, n = 0;
	i128 p;

	*defined = 1;
	switch (k) {
	case 0: return a < 0 ? -a : a;
	case 1: return a > b ? a - b : b - a;
	case 2: return clampv(t, a + b);
	case 3: return clampv(t, a - b);
	case 4: return floor_shift(a + b);
	case 5: return floor_shift(a + b + 1);
	case 6:
		for (n = 0; n < w && !((ua >> (w - 1 - n)) & 1); n++)
			;
		return n;
	case 7:
		for (n = 0; n < w && !((ua >> n) & 1); n++)
			;
		return n;
	case 8:
		for (; ua; ua &= ua - 1)
			n++;
		return n;
	case 9:
	case 11:
		if (!t->is_signed && w == 64)
			p = (i128)(((u128)a * (u128)b) >> 64);
		else
			p = (a * b) >> w; // arithmetic shift of the full product
		return k == 9 ? p + c : p;
	case 10:
		if (!t->is_signed && w == 64) {
			u128 r = (u128)a * (u128)b + (u128)c;

			return r > (u128)tmax(t) ? tmax(t) : (i128)r;
		}
		return clampv(t, a * b + c);
	case 12: {
		int s = (int)((u128)b & (u128)(w - 1));

		return (i128)(((ua << s) | (ua >> ((w - s) & (w - 1)))) & mask(t));
	}
	case 13: return a > b ? a : b;
	case 14: return a < b ? a : b;
	case 15: return a < b ? b : a > c ? c : a;
	case 16:
	case 17:
		// Defined for 24-bit operands only.
		*defined = t->is_signed ? (a >= -(1 << 23) && a < (1 << 23) && b >= -(1 << 23) &&
					   b < (1 << 23)) :
					  (a < (1 << 24) && b < (1 << 24));
		return a * b + (k == 16 ? c : 0);
	default:
		return 0;
	}
}

static i128 edge_value(const struct ity *t, int i)
{
	static const int64_t e[] = {0, 1, -1, 2, -2, 3, 7, 8, 100, -100};

	switch (i % 8) {
	case 0: return tmin(t);
	case 1: return tmax(t);
	case 2: return tmin(t) + 1;
	case 3: return tmax(t) - 1;
	case 4: return (i128)1 << (i % t->bits);
	default: return e[i % 10];
	}
}

typedef void (*int_fn)(const void *, const void *, const void *, void *, int);

static void test_type(const struct ity *t)
{
	static char a[N * 8], b[N * 8], c[N * 8], o[24 * N * 8], o3[24 * N * 8], o16[24 * N * 8];
	static const char *const fnames[] = {
#define X(name, ar) #name,
		INT_FUNCS(X)
#undef X
		"mad24", "mul24"};
	char name[48];
	int is32 = t->bits == 32;

	for (int i = 0; i < N; i++) {
		i128 va = i < 64 ? edge_value(t, i) : (i128)h_rand();
		i128 vb = i < 64 ? edge_value(t, i / 8 + i) : (i128)h_rand();
		i128 vc = (i128)h_rand();

		if (i % 5 == 4 && is32) // small operands for mad24/mul24
			va = (i128)(h_rand() % 4096) - 1024, vb = (i128)(h_rand() % 2000);
		put(t, a, i, va);
		put(t, b, i, vb);
		put(t, c, i, vc);
		// clamp(x, lo, hi) needs lo <= hi.
		if (get(t, b, i) > get(t, c, i)) {
			i128 s = get(t, b, i);

			put(t, b, i, get(t, c, i));
			put(t, c, i, s);
		}
	}
	snprintf(name, sizeof(name), "t_int_%s", t->name);
	((int_fn)h_sym(name))(a, b, c, o, N);
	snprintf(name, sizeof(name), "t_int_v3_%s", t->name);
	((int_fn)h_sym(name))(a, b, c, o3, N);
	snprintf(name, sizeof(name), "t_int_v16_%s", t->name);
	((int_fn)h_sym(name))(a, b, c, o16, N);
	for (int k = 0; k < 18; k++) {
		int bad3 = 0, bad16 = 0;

		if (k >= 16 && !is32)
			continue;
		for (int i = 0; i < N; i++) {
			i128 va = get(t, a, i), vb = get(t, b, i), vc = get(t, c, i), want, got;
			int defined;

			want = ref(t, k, va, vb, vc, &defined);
			got = get(t, o, k * N + i);
			if (!defined)
				continue;
			CHECK(((u128)want & mask(t)) == ((u128)got & mask(t)),
			      "%s(%s %lld, %lld, %lld) = %lld, want %lld", fnames[k], t->name,
			      (long long)va, (long long)vb, (long long)vc, (long long)got,
			      (long long)want);
			bad3 += get(t, o3, k * N + i) != got;
			bad16 += get(t, o16, k * N + i) != got;
		}
		CHECK(!bad3 && !bad16, "%s %s: %d 3-vector, %d 16-vector results differ", fnames[k],
		      t->name, bad3, bad16);
	}
	for (int i = 0; i < N; i++) {
		i128 va = get(t, a, i), b0 = get(t, b, 0), c0 = get(t, c, 0);
		i128 want[3] = {va > b0 ? va : b0, va < b0 ? va : b0,
				va < b0 ? b0 : va > c0 ? c0 : va};

		for (int k = 0; k < 3; k++)
			CHECK(get(t, o3, (18 + k) * N + i) == want[k] &&
			      get(t, o16, (18 + k) * N + i) == want[k],
			      "%s %s(vector, scalar) at %d", t->name, k == 0 ? "max" : k == 1 ? "min" :
			      "clamp", i);
	}
}

static void test_upsample(void)
{
	void (*fn)(const int8_t *, const uint8_t *, const int16_t *, const uint16_t *,
		   const int32_t *, const uint32_t *, int64_t *, int) = h_sym("t_upsample");
	enum { M = 64 };
	int8_t c[M];
	uint8_t uc[M];
	int16_t s[M];
	uint16_t us[M];
	int32_t i32[M];
	uint32_t u32[M];
	int64_t o[6 * M + 8];

	h_group("upsample");
	for (int i = 0; i < M; i++) {
		uint64_t r = h_rand();

		c[i] = (int8_t)r;
		uc[i] = (uint8_t)(r >> 8);
		s[i] = (int16_t)(r >> 16);
		us[i] = (uint16_t)(r >> 32);
		i32[i] = (int32_t)(r >> 13);
		u32[i] = (uint32_t)(r >> 29);
	}
	fn(c, uc, s, us, i32, u32, o, M);
	for (int i = 0; i < M; i++) {
		CHECK(o[6 * i] == (int16_t)(((uint16_t)(uint8_t)c[i] << 8) | uc[i]), "char %d", i);
		CHECK(o[6 * i + 1] == (uint16_t)((uc[i] << 8) | uc[i]), "uchar %d", i);
		CHECK(o[6 * i + 2] == (int32_t)(((uint32_t)(uint16_t)s[i] << 16) | us[i]), "short");
		CHECK(o[6 * i + 3] == (int64_t)(((uint32_t)us[i] << 16) | us[i]), "ushort %d", i);
		CHECK(o[6 * i + 4] == (int64_t)(((uint64_t)(uint32_t)i32[i] << 32) | u32[i]), "int");
		CHECK((uint64_t)o[6 * i + 5] == (((uint64_t)u32[i] << 32) | u32[i]), "uint %d", i);
	}
	for (int i = 0; i < 4; i++) {
		CHECK(o[6 * M + i] == o[6 * i], "char4 %d", i);
		CHECK(o[6 * M + 4 + i] == o[6 * i + 4], "int4 %d", i);
	}
}

int test_integer(void)
{
	for (size_t i = 0; i < sizeof(itys) / sizeof(itys[0]); i++) {
		char g[32];

		snprintf(g, sizeof(g), "integer %s", itys[i].name);
		h_group(g);
		test_type(&itys[i]);
	}
	test_upsample();
	return 0;
}
