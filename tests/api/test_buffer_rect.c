// SPDX-License-Identifier: MIT
/* Rectangular buffer reads, writes and copies against a reference computed
 * here, on random shapes (pitches packed or not, 1D to 3D), the exact overlap
 * rule for copies within one buffer or between sub-buffers of one parent
 * (against a brute-force byte map), and every argument error. */
#include "testutil.h"
#include <stdint.h>

static unsigned long long rng_state = 0x853c49e6748fea9bull;

static uint64_t rnd(void)
{
	return tu_xorshift(&rng_state);
}

static size_t urand(size_t lo, size_t hi) /* lo..hi inclusive */
{
	return lo + (size_t)(rnd() % (hi - lo + 1));
}

static size_t g_align;

struct shape {
	size_t origin[3], row, slice; /* row/slice as passed: 0 means packed */
};

static size_t eff_row(const struct shape *s, const size_t *region)
{
	return s->row ? s->row : region[0];
}

static size_t eff_slice(const struct shape *s, const size_t *region)
{
	return s->slice ? s->slice : region[1] * eff_row(s, region);
}

static size_t at(const struct shape *s, const size_t *region, size_t x, size_t y, size_t z)
{
	return (s->origin[2] + z) * eff_slice(s, region) + (s->origin[1] + y) * eff_row(s, region) +
	       s->origin[0] + x;
}

/* One past the last byte the rectangle touches. */
static size_t end_of(const struct shape *s, const size_t *region)
{
	return at(s, region, region[0] - 1, region[1] - 1, region[2] - 1) + 1;
}

static void random_shape(struct shape *s, const size_t *region)
{
	s->row = rnd() % 2 ? 0 : region[0] + urand(0, 9);
	s->slice = rnd() % 2 ? 0 : (region[1] + urand(0, 2)) * eff_row(s, region);
	s->origin[0] = urand(0, 9);
	s->origin[1] = urand(0, 3);
	s->origin[2] = urand(0, 2);
}

static void random_region(size_t *region)
{
	region[0] = urand(1, 24);
	region[1] = rnd() % 4 ? urand(1, 6) : 1;
	region[2] = rnd() % 3 ? urand(1, 4) : 1;
}

/* The reference: dst[at(d)] = src[at(s)] for every point of the region. */
static void ref_copy(unsigned char *dst, const struct shape *d, const unsigned char *src,
		     const struct shape *s, const size_t *region)
{
	for (size_t z = 0; z < region[2]; z++)
		for (size_t y = 0; y < region[1]; y++)
			for (size_t x = 0; x < region[0]; x++)
				dst[at(d, region, x, y, z)] = src[at(s, region, x, y, z)];
}

static void fill_random(unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)rnd();
}

static void random_read_write(struct tu_env *env)
{
	int bad_w = 0, bad_r = 0;

	for (int iter = 0; iter < 300; iter++) {
		size_t region[3];
		struct shape b, h;
		cl_int err;

		random_region(region);
		random_shape(&b, region);
		random_shape(&h, region);
		size_t bsize = end_of(&b, region) + urand(0, 15);
		size_t hsize = end_of(&h, region) + urand(0, 15);
		unsigned char *bg = malloc(bsize), *want = malloc(bsize), *got = malloc(bsize);
		unsigned char *host = malloc(hsize), *hwant = malloc(hsize), *hgot = malloc(hsize);
		cl_mem m = clCreateBuffer(env->context, 0, bsize, NULL, &err);

		REQUIRE(m, "buffer of %zu", bsize);
		fill_random(bg, bsize);
		fill_random(host, hsize);
		/* Write: the buffer's background with the host rectangle over it. */
		CHECK_OK(clEnqueueWriteBuffer(env->queue, m, CL_FALSE, 0, bsize, bg, 0, NULL, NULL),
			 "bg");
		memcpy(want, bg, bsize);
		ref_copy(want, &b, host, &h, region);
		err = clEnqueueWriteBufferRect(env->queue, m, CL_TRUE, b.origin, h.origin, region,
					       b.row, b.slice, h.row, h.slice, host, 0, NULL, NULL);
		CHECK_OK(err, "write rect");
		CHECK_OK(clEnqueueReadBuffer(env->queue, m, CL_TRUE, 0, bsize, got, 0, NULL, NULL),
			 "r");
		if (memcmp(want, got, bsize))
			bad_w++;
		/* Read: the host background with the buffer rectangle over it. */
		fill_random(hgot, hsize);
		memcpy(hwant, hgot, hsize);
		ref_copy(hwant, &h, got, &b, region);
		err = clEnqueueReadBufferRect(env->queue, m, CL_TRUE, b.origin, h.origin, region,
					      b.row, b.slice, h.row, h.slice, hgot, 0, NULL, NULL);
		CHECK_OK(err, "read rect");
		if (memcmp(hwant, hgot, hsize))
			bad_r++;
		clReleaseMemObject(m);
		free(bg);
		free(want);
		free(got);
		free(host);
		free(hwant);
		free(hgot);
	}
	CHECK(bad_w == 0, "write rect matches the reference (%d wrong)", bad_w);
	CHECK(bad_r == 0, "read rect matches the reference (%d wrong)", bad_r);
}

static void random_copy(struct tu_env *env)
{
	int bad = 0;

	for (int iter = 0; iter < 300; iter++) {
		size_t region[3];
		struct shape s, d;
		cl_int err;

		random_region(region);
		random_shape(&s, region);
		random_shape(&d, region);
		size_t ssize = end_of(&s, region) + urand(0, 7);
		size_t dsize = end_of(&d, region) + urand(0, 7);
		unsigned char *src = malloc(ssize), *want = malloc(dsize), *got = malloc(dsize);
		cl_mem a, b;

		fill_random(src, ssize);
		fill_random(want, dsize);
		a = clCreateBuffer(env->context, CL_MEM_COPY_HOST_PTR, ssize, src, &err);
		b = clCreateBuffer(env->context, CL_MEM_COPY_HOST_PTR, dsize, want, &err);
		REQUIRE(a && b, "buffers");
		ref_copy(want, &d, src, &s, region);
		CHECK_OK(clEnqueueCopyBufferRect(env->queue, a, b, s.origin, d.origin, region,
						 s.row, s.slice, d.row, d.slice, 0, NULL, NULL),
			 "copy rect");
		CHECK_OK(clEnqueueReadBuffer(env->queue, b, CL_TRUE, 0, dsize, got, 0, NULL, NULL),
			 "r");
		if (memcmp(want, got, dsize))
			bad++;
		clReleaseMemObject(a);
		clReleaseMemObject(b);
		free(src);
		free(want);
		free(got);
	}
	CHECK(bad == 0, "copy rect matches the reference (%d wrong)", bad);
}

/* Byte-map overlap of two rectangles placed at absolute positions. */
static bool brute_overlap(const struct shape *s, size_t sbase, const struct shape *d,
			  size_t dbase, const size_t *region, size_t total)
{
	unsigned char *map = calloc(total, 1);
	bool hit = false;

	for (size_t z = 0; z < region[2]; z++)
		for (size_t y = 0; y < region[1]; y++)
			for (size_t x = 0; x < region[0]; x++)
				map[sbase + at(s, region, x, y, z)] = 1;
	for (size_t z = 0; z < region[2] && !hit; z++)
		for (size_t y = 0; y < region[1] && !hit; y++)
			for (size_t x = 0; x < region[0] && !hit; x++)
				hit = map[dbase + at(d, region, x, y, z)];
	free(map);
	return hit;
}

/* Copies within one buffer (same pitches) and between two sub-buffers of one
 * parent (any pitches): CL_MEM_COPY_OVERLAP exactly when a byte is shared,
 * and a correct copy otherwise. */
static void random_overlap(struct tu_env *env, bool subs)
{
	int wrong = 0, overlaps = 0, clean = 0;

	for (int iter = 0; iter < 1500; iter++) {
		size_t region[3];
		struct shape s, d;
		size_t sbase = 0, dbase = 0, total;
		cl_mem p, ms, md;
		cl_int err, want_err;

		random_region(region);
		random_shape(&s, region);
		if (subs) {
			random_shape(&d, region);
			sbase = g_align * urand(0, 2);
			dbase = g_align * urand(0, 2);
		} else {
			d = s;
			d.origin[0] = urand(0, 9);
			d.origin[1] = urand(0, 3);
			d.origin[2] = urand(0, 2);
		}
		size_t send = sbase + end_of(&s, region), dend = dbase + end_of(&d, region);
		total = (send > dend ? send : dend) + urand(0, 5);
		unsigned char *init = malloc(total), *want = malloc(total), *got = malloc(total);

		fill_random(init, total);
		p = clCreateBuffer(env->context, CL_MEM_COPY_HOST_PTR, total, init, &err);
		REQUIRE(p, "parent");
		if (subs) {
			ms = clCreateSubBuffer(p, 0, CL_BUFFER_CREATE_TYPE_REGION,
					       &(cl_buffer_region){sbase, total - sbase}, &err);
			md = clCreateSubBuffer(p, 0, CL_BUFFER_CREATE_TYPE_REGION,
					       &(cl_buffer_region){dbase, total - dbase}, &err);
			REQUIRE(ms && md, "sub-buffers");
		} else {
			ms = md = p;
		}
		bool ov = brute_overlap(&s, sbase, &d, dbase, region, total);
		want_err = ov ? CL_MEM_COPY_OVERLAP : CL_SUCCESS;
		err = clEnqueueCopyBufferRect(env->queue, ms, md, s.origin, d.origin, region, s.row,
					      s.slice, d.row, d.slice, 0, NULL, NULL);
		if (err != want_err) {
			wrong++;
			CHECK_ERR(err, want_err,
				  "region {%zu,%zu,%zu} src %zu+{%zu,%zu,%zu} %zu/%zu dst "
				  "%zu+{%zu,%zu,%zu} %zu/%zu",
				  region[0], region[1], region[2], sbase, s.origin[0], s.origin[1],
				  s.origin[2], s.row, s.slice, dbase, d.origin[0], d.origin[1],
				  d.origin[2], d.row, d.slice);
		}
		if (ov) {
			overlaps++;
		} else {
			clean++;
			memcpy(want, init, total);
			ref_copy(want + dbase, &d, init + sbase, &s, region);
			CHECK_OK(clEnqueueReadBuffer(env->queue, p, CL_TRUE, 0, total, got, 0, NULL,
						     NULL), "r");
			if (memcmp(want, got, total))
				wrong++;
		}
		if (subs) {
			clReleaseMemObject(ms);
			clReleaseMemObject(md);
		}
		clReleaseMemObject(p);
		free(init);
		free(want);
		free(got);
	}
	CHECK(wrong == 0, "%s: %d wrong verdicts or copies", subs ? "sub-buffers" : "one buffer",
	      wrong);
	CHECK(overlaps > 100 && clean > 100, "both outcomes exercised (%d overlap, %d clean)",
	      overlaps, clean);
}

/* Interleaved rectangles share no byte though their spans overlap: the
 * specification's conservative sketch would reject some of these. */
static void interleaved(struct tu_env *env)
{
	cl_int err;
	cl_mem m = clCreateBuffer(env->context, 0, 4096, NULL, &err);
	size_t o0[3] = {0, 0, 0}, o8[3] = {8, 0, 0}, o7[3] = {7, 0, 0};
	size_t r1[3] = {8, 4, 1}, r2[3] = {4, 2, 3}, oy2[3] = {0, 2, 0}, oy1[3] = {0, 1, 0};
	size_t huge_slice = SIZE_MAX - 15; /* a multiple of 16 */

	REQUIRE(m, "buffer");
	CHECK_OK(clEnqueueCopyBufferRect(env->queue, m, m, o0, o8, r1, 16, 0, 16, 0, 0, NULL,
					 NULL), "rows side by side");
	CHECK_ERR(clEnqueueCopyBufferRect(env->queue, m, m, o0, o7, r1, 16, 0, 16, 0, 0, NULL,
					  NULL), CL_MEM_COPY_OVERLAP, "rows sharing a column");
	/* Slices of 2 rows in a 4-row slice pitch: the second rectangle fills
	 * the gaps between the first one's slices. */
	CHECK_OK(clEnqueueCopyBufferRect(env->queue, m, m, o0, oy2, r2, 8, 32, 8, 32, 0, NULL,
					 NULL), "slices interleaved");
	CHECK_ERR(clEnqueueCopyBufferRect(env->queue, m, m, o0, oy1, r2, 8, 32, 8, 32, 0, NULL,
					  NULL), CL_MEM_COPY_OVERLAP, "slices sharing a row");
	/* One slice: the slice pitch plays no part, however large. */
	r1[2] = 1;
	CHECK_OK(clEnqueueCopyBufferRect(env->queue, m, m, o0, o8, r1, 16, huge_slice, 16,
					 huge_slice, 0, NULL, NULL), "one slice, huge slice pitch");
	CHECK_ERR(clEnqueueCopyBufferRect(env->queue, m, m, o0, o7, r1, 16, huge_slice, 16,
					  huge_slice, 0, NULL, NULL), CL_MEM_COPY_OVERLAP,
		  "one slice, huge slice pitch, overlap");
	CHECK_OK(clFinish(env->queue), "finish");
	clReleaseMemObject(m);
}

static void errors(struct tu_env *env)
{
	enum { N = 1024 };
	unsigned char host[N];
	cl_int err;
	cl_mem m = clCreateBuffer(env->context, 0, N, NULL, &err);
	cl_mem m2 = clCreateBuffer(env->context, 0, N, NULL, &err);
	cl_context ctx2 = clCreateContext(NULL, 1, &env->device, NULL, NULL, &err);
	cl_mem other = clCreateBuffer(ctx2, 0, N, NULL, &err);
	cl_command_queue q = env->queue;
	size_t o[3] = {0, 0, 0}, r[3] = {8, 4, 2};
	size_t zr[3][3] = {{0, 4, 2}, {8, 0, 2}, {8, 4, 0}};
	size_t far[3] = {0, 0, SIZE_MAX / 2}, edge[3] = {0, 0, 0};

	REQUIRE(m && m2 && other, "buffers");
	memset(host, 0, sizeof(host));
#define RD(...) clEnqueueReadBufferRect(q, __VA_ARGS__, 0, NULL, NULL)
#define WR(...) clEnqueueWriteBufferRect(q, __VA_ARGS__, 0, NULL, NULL)
#define CP(...) clEnqueueCopyBufferRect(q, __VA_ARGS__, 0, NULL, NULL)
	CHECK_OK(RD(m, CL_TRUE, o, o, r, 0, 0, 0, 0, host), "valid read");
	CHECK_OK(WR(m, CL_TRUE, o, o, r, 0, 0, 0, 0, host), "valid write");
	CHECK_OK(CP(m, m2, o, o, r, 0, 0, 0, 0), "valid copy");
	CHECK_ERR(clEnqueueReadBufferRect(NULL, m, CL_TRUE, o, o, r, 0, 0, 0, 0, host, 0, NULL,
					  NULL), CL_INVALID_COMMAND_QUEUE, "NULL queue");
	CHECK_ERR(RD(NULL, CL_TRUE, o, o, r, 0, 0, 0, 0, host), CL_INVALID_MEM_OBJECT, "NULL buf");
	CHECK_ERR(RD(other, CL_TRUE, o, o, r, 0, 0, 0, 0, host), CL_INVALID_CONTEXT, "context");
	CHECK_ERR(RD(m, CL_TRUE, NULL, o, r, 0, 0, 0, 0, host), CL_INVALID_VALUE, "NULL origin");
	CHECK_ERR(WR(m, CL_TRUE, o, NULL, r, 0, 0, 0, 0, host), CL_INVALID_VALUE, "NULL host org");
	CHECK_ERR(WR(m, CL_TRUE, o, o, NULL, 0, 0, 0, 0, host), CL_INVALID_VALUE, "NULL region");
	CHECK_ERR(RD(m, CL_TRUE, o, o, r, 0, 0, 0, 0, NULL), CL_INVALID_VALUE, "NULL ptr");
	CHECK_ERR(WR(m, CL_TRUE, o, o, r, 0, 0, 0, 0, NULL), CL_INVALID_VALUE, "NULL ptr (write)");
	for (int i = 0; i < 3; i++) {
		CHECK_ERR(RD(m, CL_TRUE, o, o, zr[i], 0, 0, 0, 0, host), CL_INVALID_VALUE,
			  "region[%d] = 0 (read)", i);
		CHECK_ERR(CP(m, m2, o, o, zr[i], 0, 0, 0, 0), CL_INVALID_VALUE,
			  "region[%d] = 0 (copy)", i);
	}
	/* Pitch rules, buffer then host side. */
	CHECK_ERR(RD(m, CL_TRUE, o, o, r, 7, 0, 0, 0, host), CL_INVALID_VALUE, "row < region[0]");
	CHECK_ERR(RD(m, CL_TRUE, o, o, r, 8, 31, 0, 0, host), CL_INVALID_VALUE,
		  "slice < region[1] * row");
	CHECK_ERR(RD(m, CL_TRUE, o, o, r, 8, 36, 0, 0, host), CL_INVALID_VALUE,
		  "slice not a multiple of row");
	CHECK_OK(RD(m, CL_TRUE, o, o, r, 8, 40, 0, 0, host), "slice a multiple of row");
	CHECK_ERR(WR(m, CL_TRUE, o, o, r, 0, 0, 7, 0, host), CL_INVALID_VALUE, "host row");
	CHECK_ERR(WR(m, CL_TRUE, o, o, r, 0, 0, 10, 30, host), CL_INVALID_VALUE,
		  "host slice < region[1] * row");
	CHECK_ERR(WR(m, CL_TRUE, o, o, r, 0, 0, 10, 45, host), CL_INVALID_VALUE,
		  "host slice not a multiple");
	CHECK_ERR(WR(m, CL_TRUE, o, o, r, 0, 0, SIZE_MAX / 2, 0, host), CL_INVALID_VALUE,
		  "host slice overflows");
	CHECK_ERR(CP(m, m2, o, o, r, 7, 0, 0, 0), CL_INVALID_VALUE, "src row");
	CHECK_ERR(CP(m, m2, o, o, r, 0, 0, 0, 33), CL_INVALID_VALUE, "dst slice");
	/* Bounds: the last byte exactly at the end, then one past. */
	edge[0] = N - 8 * 4 * 2;
	CHECK_OK(RD(m, CL_TRUE, edge, o, r, 0, 0, 0, 0, host), "ends at the end");
	edge[0]++;
	CHECK_ERR(RD(m, CL_TRUE, edge, o, r, 0, 0, 0, 0, host), CL_INVALID_VALUE, "one past");
	CHECK_ERR(CP(m, m2, edge, o, r, 0, 0, 0, 0), CL_INVALID_VALUE, "copy source past");
	CHECK_ERR(CP(m, m2, o, edge, r, 0, 0, 0, 0), CL_INVALID_VALUE, "copy destination past");
	CHECK_ERR(RD(m, CL_TRUE, far, o, r, 0, 0, 0, 0, host), CL_INVALID_VALUE,
		  "origin overflows");
	CHECK_ERR(RD(m, CL_TRUE, o, o, r, SIZE_MAX / 4, 0, 0, 0, host), CL_INVALID_VALUE,
		  "huge row pitch");
	CHECK_ERR(RD(m, CL_TRUE, o, far, r, 0, 0, 0, 0, host), CL_INVALID_VALUE,
		  "host origin overflows");
	/* One buffer, different pitches; packed and explicit are the same. */
	size_t o2[3] = {0, 0, 2};
	CHECK_ERR(CP(m, m, o, o2, r, 8, 0, 16, 0), CL_INVALID_VALUE, "same buffer, row pitches");
	CHECK_ERR(CP(m, m, o, o2, r, 8, 32, 8, 64), CL_INVALID_VALUE,
		  "same buffer, slice pitches");
	CHECK_OK(CP(m, m, o, o2, r, 0, 0, 8, 32), "same buffer, same effective pitches");
	CHECK_ERR(CP(m, m, o, o, r, 0, 0, 0, 0), CL_MEM_COPY_OVERLAP, "onto itself");
	CHECK_ERR(CP(NULL, m, o, o, r, 0, 0, 0, 0), CL_INVALID_MEM_OBJECT, "NULL source");
	CHECK_ERR(CP(m, other, o, o, r, 0, 0, 0, 0), CL_INVALID_CONTEXT, "other context");
	CHECK_ERR(CP(m, m2, NULL, o, r, 0, 0, 0, 0), CL_INVALID_VALUE, "NULL src origin");
	CHECK_ERR(CP(m, m2, o, NULL, r, 0, 0, 0, 0), CL_INVALID_VALUE, "NULL dst origin");
	CHECK_ERR(CP(m, m2, o, o, NULL, 0, 0, 0, 0), CL_INVALID_VALUE, "NULL region (copy)");
	CHECK_ERR(clEnqueueCopyBufferRect(q, m, m2, o, o, r, 0, 0, 0, 0, 1, NULL, NULL),
		  CL_INVALID_EVENT_WAIT_LIST, "wait list");
	CHECK_ERR(clEnqueueWriteBufferRect(q, m, CL_TRUE, o, o, r, 0, 0, 0, 0, host, 1, NULL,
					   NULL), CL_INVALID_EVENT_WAIT_LIST, "wait list (write)");

	/* Host access flags: reads and writes only. */
	cl_mem wo = clCreateBuffer(env->context, CL_MEM_HOST_WRITE_ONLY, N, NULL, &err);
	cl_mem ro = clCreateBuffer(env->context, CL_MEM_HOST_READ_ONLY, N, NULL, &err);
	cl_mem na = clCreateBuffer(env->context, CL_MEM_HOST_NO_ACCESS, N, NULL, &err);
	CHECK_ERR(RD(wo, CL_TRUE, o, o, r, 0, 0, 0, 0, host), CL_INVALID_OPERATION, "read wo");
	CHECK_OK(WR(wo, CL_TRUE, o, o, r, 0, 0, 0, 0, host), "write wo");
	CHECK_ERR(WR(ro, CL_TRUE, o, o, r, 0, 0, 0, 0, host), CL_INVALID_OPERATION, "write ro");
	CHECK_OK(RD(ro, CL_TRUE, o, o, r, 0, 0, 0, 0, host), "read ro");
	CHECK_ERR(RD(na, CL_TRUE, o, o, r, 0, 0, 0, 0, host), CL_INVALID_OPERATION, "read na");
	CHECK_ERR(WR(na, CL_TRUE, o, o, r, 0, 0, 0, 0, host), CL_INVALID_OPERATION, "write na");
	CHECK_OK(CP(na, wo, o, o, r, 0, 0, 0, 0), "copy ignores host flags");
#undef RD
#undef WR
#undef CP

	/* Command types, and a non-blocking read gated by an event. */
	cl_event gate = clCreateUserEvent(env->context, &err), ev;
	cl_command_type t = 0;
	unsigned char src[64], dst[64] = {0};
	size_t r2[3] = {4, 4, 1}, hpo[3] = {1, 1, 0};
	for (int i = 0; i < 64; i++)
		src[i] = (unsigned char)(i + 1);
	CHECK_OK(clEnqueueWriteBuffer(q, m, CL_TRUE, 0, 64, src, 0, NULL, NULL), "w");
	CHECK_OK(clEnqueueReadBufferRect(q, m, CL_FALSE, o, hpo, r2, 4, 0, 8, 0, dst, 1, &gate,
					 &ev), "gated read rect");
	CHECK(dst[9] == 0, "nothing read before the gate opens");
	clSetUserEventStatus(gate, CL_COMPLETE);
	CHECK_OK(clWaitForEvents(1, &ev), "wait");
	CHECK(dst[9] == 1 && dst[10] == 2 && dst[17] == 5 && dst[8] == 0 && dst[13] == 0,
	      "read rect into a host sub-rectangle");
	clGetEventInfo(ev, CL_EVENT_COMMAND_TYPE, sizeof(t), &t, NULL);
	CHECK(t == CL_COMMAND_READ_BUFFER_RECT, "command type");
	clReleaseEvent(ev);
	clReleaseEvent(gate);

	clReleaseMemObject(wo);
	clReleaseMemObject(ro);
	clReleaseMemObject(na);
	clReleaseMemObject(m);
	clReleaseMemObject(m2);
	clReleaseMemObject(other);
	clReleaseContext(ctx2);
}

int main(void)
{
	struct tu_env env;
	cl_uint bits = 0;

	tu_env_init(&env, 0);
	clGetDeviceInfo(env.device, CL_DEVICE_MEM_BASE_ADDR_ALIGN, sizeof(bits), &bits, NULL);
	g_align = bits / 8 ? bits / 8 : 1;
	random_read_write(&env);
	random_copy(&env);
	random_overlap(&env, false);
	random_overlap(&env, true);
	interleaved(&env);
	errors(&env);
	tu_env_fini(&env);
	return tu_done();
}
