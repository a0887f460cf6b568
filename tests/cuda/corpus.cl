// SPDX-License-Identifier: MIT
/* The PTX corpus of test_cuda_ptx: the samples' kernels (OpenCL C 1.2) and
 * kernels reaching each family of libclc built-ins the cuda device links. */
#define WG 256

kernel void vecadd(global const float *a, global const float *b, global float *c, uint n)
{
	size_t i = get_global_id(0);

	if (i < n)
		c[i] = a[i] + b[i];
}

struct node {
	global struct node *next;
	int value;
	int prefix;
	long total;
};

kernel void walk(global struct node *global *heads, global long *sums, global uint *lengths)
{
	size_t l = get_global_id(0);
	global struct node *p;
	long s = 0;
	uint len = 0;

	for (p = heads[l]; p; p = p->next) {
		s += p->value;
		p->prefix = (int)s;
		len++;
	}
	for (p = heads[l]; p; p = p->next)
		p->total = s;
	sums[l] = s;
	lengths[l] = len;
}

kernel void axpy(int a, global const int *x, global const int *y, global int *z)
{
	size_t i = get_global_id(0);

	z[i] = a * x[i] + y[i];
}

kernel __attribute__((reqd_work_group_size(WG, 1, 1)))
void reduce(global const int *in, ulong n, local long *sums, global long *group_sum,
	    global int *group_max)
{
	local int maxes[WG];
	size_t lid = get_local_id(0);
	long s = 0;
	int m = INT_MIN;

	for (size_t i = get_global_id(0); i < n; i += get_global_size(0)) {
		s += in[i];
		m = max(m, in[i]);
	}
	sums[lid] = s;
	maxes[lid] = m;
	barrier(CLK_LOCAL_MEM_FENCE);
	for (size_t step = WG / 2; step > 0; step /= 2) {
		if (lid < step) {
			sums[lid] += sums[lid + step];
			maxes[lid] = max(maxes[lid], maxes[lid + step]);
		}
		barrier(CLK_LOCAL_MEM_FENCE);
	}
	if (lid == 0) {
		group_sum[get_group_id(0)] = sums[0];
		group_max[get_group_id(0)] = maxes[0];
	}
}

kernel void math(global const float *x, global float4 *out, global double *d)
{
	size_t i = get_global_id(0);
	float v = x[i];

	out[i] = (float4)(sin(v) + cos(v), exp(v) * log1p(fabs(v)), pow(fabs(v), 0.5f),
			  atan2(v, 1.0f) + fma(v, v, 1.0f));
	d[i] = sqrt((double)v * v + 1.0);
}

kernel void conversions(global const float *x, global uchar *u, global int2 *i2,
			global short4 *s4)
{
	size_t i = get_global_id(0);
	float4 v = vload4(i, x);

	u[i] = convert_uchar_sat_rte(v.x * 300.0f);
	i2[i] = convert_int2_rtz(v.yz);
	s4[i] = convert_short4_sat(v * 1e5f);
	vstore4(v * 2.0f, i, (global float *)s4);
}

kernel void atomics(global int *counter, global uint *bits, local int *scratch)
{
	size_t l = get_local_id(0);

	if (l == 0)
		*scratch = 0;
	barrier(CLK_LOCAL_MEM_FENCE);
	atomic_add(scratch, 1);
	barrier(CLK_LOCAL_MEM_FENCE);
	if (l == 0)
		atomic_add(counter, *scratch);
	atomic_or(bits, 1u << (l % 32));
	atomic_max((global int *)bits + 1, (int)get_global_id(0));
}

kernel void geometry(global ulong *out)
{
	size_t i = get_global_linear_id();

	out[i] = get_global_id(0) + get_global_offset(0) + get_local_linear_id() +
		 get_enqueued_local_size(0) + get_num_groups(1) + get_work_dim();
}

kernel void debug_print(global const float *x, constant int *k)
{
	if (get_global_id(0) == 0)
		printf("x %f k %d name %s\n", x[0], k[0], "corpus");
}

kernel void exact_math(global const float4 *x, global const int4 *n, global float4 *o,
		       global int4 *q)
{
	size_t i = get_global_id(0);
	int4 qq;

	o[i] = ldexp(x[i], n[i]) + nextafter(x[i], (float4)0.0f) + exp(x[i]) + exp2(x[i]) +
	       erfc(x[i]) + tgamma(x[i]) + rootn(x[i], n[i]) + remquo(x[i], 3.0f, &qq);
	q[i] = qq;
}

/* Functions the cuda device takes from svmgpu rather than libclc (wrong on
 * an H100): double math, conversions with rounding modes, half loads and
 * stores, 64-bit mad_sat. */
kernel void exact_double(global const double3 *x, global const long *a, global double3 *o,
			 global int3 *e, global half *h, global ulong *s, local half *lh)
{
	size_t i = get_global_id(0);
	int3 ee;
	int pe;
	ushort ph[2];
	double3 v = x[i];

	o[i] = tgamma(v) + acospi(v) + ldexp(v, (int3)(a[i])) + nextafter(v, (double3)(0.0)) +
	       frexp(v, &ee) + nan((ulong3)(a[i])) + frexp(v.x, &pe);
	e[i] = ee + pe + (int)frexp(v.y, (global int *)e + 3 * i);
	vstore_half_rtn((float)v.x, 0, (private half *)ph);
	vstore_half_rtp(v.y, i, lh);
	vstore_half3_rtz(convert_float3_rtz(v), i, h);
	barrier(CLK_LOCAL_MEM_FENCE);
	s[i] = convert_long_sat_rtp(v.z) + convert_ulong_rtn(v.y) + convert_int_sat_rtz(v.x) +
	       (ulong)convert_float_rtp(a[i]) + (ulong)convert_double_rtz(a[i]) +
	       mad_sat(a[i], a[i], a[i]) + (ulong)(vload_half(0, (private half *)ph) + vload_half(i, lh));
}
