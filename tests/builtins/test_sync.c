// SPDX-License-Identifier: MIT
// Work-item functions on a fake work-group context, work-group functions
// and barriers with work-items as fibers (the executor's way), asynchronous
// copies, and atomics (concurrent and single-threaded semantics).
#include "harness.h"

#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static void test_workitem_case(uint32_t dims, const size_t g[3], const size_t l[3],
			       const size_t off[3], const size_t grp[3], const size_t lid[3])
{
	void (*fn)(uint64_t *) = h_sym("t_workitem");
	struct svmgpu_wg_ctx ctx;
	uint64_t o[40], gid[3], lsz[3];

	h_ctx_init(&ctx, dims, g, l, off, grp);
	memcpy(h_wi()->local_id, lid, sizeof(h_wi()->local_id));
	fn(o);
	CHECK(o[0] == dims, "get_work_dim() = %llu", (unsigned long long)o[0]);
	for (int d = 0; d < 4; d++) {
		const uint64_t *r = o + 1 + 8 * d;
		uint64_t want[8] = {1, 0, 1, 1, 0, 1, 0, 0};

		if (d < 3) {
			lsz[d] = ctx.local_size[d];
			gid[d] = grp[d] * l[d] + lid[d] + off[d];
			uint64_t w[8] = {g[d], gid[d], lsz[d], l[d], lid[d], ctx.num_groups[d],
					 grp[d], off[d]};

			memcpy(want, w, sizeof(want));
		}
		for (int j = 0; j < 8; j++)
			CHECK(r[j] == want[j], "dimension %d, function %d: %llu, want %llu", d, j,
			      (unsigned long long)r[j], (unsigned long long)want[j]);
	}
	CHECK(o[33] == ((gid[2] - off[2]) * g[1] + gid[1] - off[1]) * g[0] + gid[0] - off[0],
	      "get_global_linear_id() = %llu", (unsigned long long)o[33]);
	CHECK(o[34] == (lid[2] * lsz[1] + lid[1]) * lsz[0] + lid[0], "get_local_linear_id() = %llu",
	      (unsigned long long)o[34]);
	CHECK(o[35] == gid[0] + 1000 * gid[1] + 1000000 * gid[2], "constant dimensions");
	CHECK(o[36] == 0 && o[37] == 1, "out-of-range dimensions: %llu %llu",
	      (unsigned long long)o[36], (unsigned long long)o[37]);
}

static void test_workitem_fns(void)
{
	h_group("work-item functions");
	// 3-D, non-uniform: the last group in each dimension is smaller.
	test_workitem_case(3, (size_t[]){10, 6, 4}, (size_t[]){4, 4, 3}, (size_t[]){100, 200, 300},
			   (size_t[]){2, 1, 1}, (size_t[]){1, 1, 0});
	test_workitem_case(1, (size_t[]){1000, 1, 1}, (size_t[]){64, 1, 1}, (size_t[]){5, 0, 0},
			   (size_t[]){3, 0, 0}, (size_t[]){17, 0, 0});
	test_workitem_case(2, (size_t[]){33, 7, 1}, (size_t[]){8, 7, 1}, (size_t[]){0, 0, 0},
			   (size_t[]){4, 0, 0}, (size_t[]){0, 6, 0});
}

struct wg_args {
	int *in, *dst;
	double *din, *od;
	int64_t *o;
	int *tmp;
};

static void wg_item(void *arg, size_t lid)
{
	struct wg_args *a = arg;
	void (*fn)(const int *, const double *, int64_t *, double *, int *, int *) =
		h_sym("t_workgroup");

	(void)lid;
	fn(a->in, a->din, a->o, a->od, a->tmp, a->dst);
}

static void test_group(const size_t l[3])
{
	size_t n = l[0] * l[1] * l[2];
	struct svmgpu_wg_ctx ctx;
	struct wg_args a;
	int64_t acc, lacc, want;
	double dacc, dmax;
	float facc, fmn;
	uint32_t uacc;
	uint64_t ulmin = UINT64_MAX;

	a.in = calloc(3 * n, sizeof(int));
	a.din = calloc(n, sizeof(double));
	a.o = calloc(32 * 1024, sizeof(int64_t));
	a.od = calloc(8 * 1024, sizeof(double));
	a.tmp = calloc(3 * n, sizeof(int));
	a.dst = malloc(4 * n * sizeof(int));
	memset(a.dst, 0x55, 4 * n * sizeof(int));
	for (size_t i = 0; i < 3 * n; i++)
		a.in[i] = (int)(h_rand() % 1999) - 999;
	for (size_t i = 0; i < n; i++)
		a.din[i] = h_rand_uniform(-10, 10);
	h_ctx_init(&ctx, 3, (size_t[]){l[0] * 2, l[1], l[2]}, l, (size_t[]){0, 0, 0},
		   (size_t[]){1, 0, 0});
	h_run_group(&ctx, h_wi(), wg_item, &a);

	acc = lacc = 0;
	dacc = 0;
	dmax = -INFINITY;
	facc = 0;
	fmn = INFINITY;
	uacc = 0;
	for (size_t i = 0; i < n; i++) {
		int64_t *o = a.o + i;
		size_t x = i % l[0], y = i / l[0] % l[1], z = i / (l[0] * l[1]);
		int v = a.in[i], mn = INT_MAX, mx = INT_MIN, all_pos = 1, emn = INT_MAX, emx = INT_MIN;
		int64_t lmax = INT64_MIN, lv;
		uint32_t umn = UINT32_MAX;

		for (size_t j = 0; j < n; j++) {
			lv = (int64_t)a.in[j] * 3000000000LL;
			mn = a.in[j] < mn ? a.in[j] : mn;
			mx = a.in[j] > mx ? a.in[j] : mx;
			all_pos &= a.in[j] > 0;
			if (j <= i)
				lmax = lv > lmax ? lv : lmax;
			if (j < i) {
				emn = a.in[j] < emn ? a.in[j] : emn;
				emx = a.in[j] > emx ? a.in[j] : emx;
				umn = (uint32_t)a.in[j] < umn ? (uint32_t)a.in[j] : umn;
			}
			if (i == 0) {
				uacc = (uint32_t)a.in[j] > uacc ? (uint32_t)a.in[j] : uacc;
				lacc += lv;
				ulmin = (uint64_t)lv < ulmin ? (uint64_t)lv : ulmin;
			}
		}
		CHECK(o[0] == (int64_t)(x + 100 * y + 10000 * z), "local ids of %zu", i);
		CHECK(o[1024] == 1 && o[2 * 1024] == 1 && o[3 * 1024] == all_pos, "all/any of %zu", i);
		acc += v;
		want = 0;
		for (size_t j = 0; j < n; j++)
			want += a.in[j];
		CHECK(o[4 * 1024] == want && o[5 * 1024] == mn && o[6 * 1024] == mx,
		      "reduce of %zu: %lld %lld %lld", i, (long long)o[4 * 1024],
		      (long long)o[5 * 1024], (long long)o[6 * 1024]);
		CHECK(o[7 * 1024] == acc && o[8 * 1024] == acc - v, "scan add of %zu", i);
		CHECK(o[9 * 1024] == (v < emn ? v : emn) && o[10 * 1024] == emn, "scan min of %zu", i);
		CHECK(o[11 * 1024] == (v > emx ? v : emx) && o[12 * 1024] == emx, "scan max of %zu", i);
		CHECK((uint32_t)o[14 * 1024] == umn, "exclusive uint min of %zu", i);
		CHECK(o[16 * 1024] == lmax, "inclusive long max of %zu", i);
		CHECK(o[18 * 1024] == a.in[n - 1], "broadcast of %zu", i);
		CHECK(o[19 * 1024] == (int64_t)a.in[l[0] - 1] * 3000000000LL, "2-D broadcast");
		CHECK((uint32_t)o[20 * 1024] == (uint32_t)a.in[((l[2] - 1) * l[1] + l[1] - 1) * l[0]],
		      "3-D broadcast");
		CHECK(o[21 * 1024] == o[0] && o[22 * 1024] == (int64_t)i, "ids after barriers of %zu",
		      i);
		dacc += a.din[i];
		CHECK(h_same_d(a.od[1024 + i], dacc), "double inclusive scan of %zu", i);
		CHECK(h_same_d(a.od[2 * 1024 + i], dmax), "double exclusive max of %zu", i);
		dmax = a.din[i] > dmax ? a.din[i] : dmax;
		CHECK(a.od[3 * 1024 + i] == a.din[0], "double broadcast");
		CHECK(h_same_d(a.od[5 * 1024 + i], fmn), "float exclusive min of %zu", i);
		fmn = (float)a.din[i] < fmn ? (float)a.din[i] : fmn;
		facc += (float)a.din[i];
		CHECK(o[30 * 1024] == a.in[(i + 1) % n] + a.in[n + i], "async copy seen by %zu", i);
		CHECK(a.dst[3 * i] == a.in[i] && a.dst[3 * n + i] == a.in[i] &&
		      a.dst[3 * i + 1] == 0x55555555, "strided copies at %zu", i);
	}
	for (size_t i = 0; i < n; i++) {
		CHECK((uint32_t)a.o[13 * 1024 + i] == uacc && a.o[15 * 1024 + i] == lacc &&
		      (uint64_t)a.o[17 * 1024 + i] == ulmin, "uint/long reductions of %zu", i);
		CHECK(h_same_d(a.od[i], dacc) && h_same_d(a.od[4 * 1024 + i], facc),
		      "floating reductions of %zu: %a %a", i, a.od[i], a.od[4 * 1024 + i]);
	}
	free(a.in);
	free(a.din);
	free(a.o);
	free(a.od);
	free(a.tmp);
	free(a.dst);
}

static void test_workgroup_fns(void)
{
	static const size_t sizes[][3] = {{1, 1, 1}, {7, 3, 1}, {16, 4, 2}, {256, 1, 1}, {5, 1, 3}};

	h_group("work-group functions");
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
		test_group(sizes[s]);
}

struct atomic_args {
	int *p;
	int64_t *q;
	int *a;
	uint64_t *b;
	int n;
};

static void *atomic_thread(void *arg)
{
	struct atomic_args *a = arg;
	void (*fn)(int *, int64_t *, int *, uint64_t *, int) = h_sym("t_atomic_add");

	fn(a->p, a->q, a->a, a->b, a->n);
	return NULL;
}

static void test_atomics(void)
{
	enum { THREADS = 4, ITER = 100000 };
	static int p[2], a[3];
	static int64_t q[2];
	static uint64_t b;
	struct atomic_args args = {p, q, a, &b, ITER};
	pthread_t th[THREADS];
	void (*ops)(int *, uint32_t *, float *, int *, float *, double *, int *, int *, int64_t *) =
		h_sym("t_atomic_ops");
	int ip[1], ia[1], flag[1], lp[1];
	uint32_t u[1];
	float f[1], af[1];
	double ad[1];
	int64_t o[64] = {0};
	static const int64_t want[] = {10, 20, 20, 5, 3, 7, 6, 15, 14, 10, 2147483648LL,
				       2147483648LL, 15, 0, 7, 1, 9, 9, 1, 7, 3, 2, -4, 1, 125, 35,
				       0, 1, 0, 1, 0, 42, 1, 1};

	h_group("atomics");
	for (int t = 0; t < THREADS; t++)
		pthread_create(&th[t], NULL, atomic_thread, &args);
	for (int t = 0; t < THREADS; t++)
		pthread_join(th[t], NULL);
	CHECK(p[0] == THREADS * ITER && p[1] == 2 * THREADS * ITER, "atomic_inc/add: %d %d", p[0],
	      p[1]);
	CHECK(q[0] == 3LL * THREADS * ITER && q[1] == -(int64_t)THREADS * ITER,
	      "atom_add/dec: %lld %lld", (long long)q[0], (long long)q[1]);
	CHECK(a[0] == THREADS * ITER && a[1] == -THREADS * ITER && b == 5ULL * THREADS * ITER &&
	      a[2] == ITER - 1, "atomic_fetch_*: %d %d %llu %d", a[0], a[1], (unsigned long long)b,
	      a[2]);
	ops(ip, u, f, ia, af, ad, flag, lp, o);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		CHECK(o[i] == want[i], "atomic result %zu: %lld, want %lld", i, (long long)o[i],
		      (long long)want[i]);
	CHECK(o[63] == 5, "atom_cmpxchg stored %lld", (long long)o[63]);
}

int test_workitem(void)
{
	test_workitem_fns();
	return 0;
}

int test_workgroup(void)
{
	test_workgroup_fns();
	return 0;
}

int test_atomic(void)
{
	test_atomics();
	return 0;
}
