// SPDX-License-Identifier: MIT
// OpenCL C 1.2 wrappers: no generic address space, so every pointer
// built-in resolves to its global/local/private/constant overload.

void t12_pointers(const global float *x, global float *o, global int *io, local float *lf,
		  constant float *cf)
{
	float p;
	int q;
	float4 p4;
	int4 q4;

	o[0] = fract(x[0], &p);
	o[1] = p;
	o[2] = fract(x[0], o + 3);
	o[4] = fract(x[0], lf);
	o[5] = lf[0];
	o[6] = modf(x[1], o + 7);
	o[8] = sincos(x[2], o + 9);
	o[10] = frexp(x[3], io);
	o[11] = remquo(x[4], x[5], io + 1);
	o[12] = lgamma_r(x[6], io + 2);
	o[13] = frexp(x[3], &q);
	io[3] = q;
	vstore4(fract(vload4(0, x), &p4), 4, o);
	vstore4(p4, 5, o);
	vstore4(frexp(vload4(0, x), &q4), 6, o);
	vstore4(q4, 1, io);
	vstore4(vload4(0, cf), 7, o);
	vstore4(vload4(0, lf), 8, o);
	vstore_half_rtz(x[0], 0, (global half *)(io + 8));
	o[36] = vload_half(0, (const global half *)(io + 8));
	vstore_half(x[1], 0, (local half *)lf);
	o[37] = vload_half(0, (const local half *)lf);
	vstore_half(x[2], 0, (private half *)&q);
	o[38] = vload_half(0, (const private half *)&q);
}

void t12_sync(const global int *in, global int *o, local int *tmp, volatile global int *ga,
	      volatile local int *la)
{
	size_t me = get_local_id(0), n = get_local_size(0);
	event_t ev = async_work_group_copy(tmp, in, n, 0);

	wait_group_events(1, &ev);
	o[me] = tmp[(me + 1) % n] + (int)get_global_id(0) * 1000;
	atomic_add(ga, 1);
	if (me == 0)
		la[0] = 0;
	barrier(CLK_LOCAL_MEM_FENCE);
	atomic_inc(la);
	barrier(CLK_LOCAL_MEM_FENCE);
	o[n + me] = la[0];
}

int t12_printf(float f)
{
	return printf("cl12 %f %v2hld\n", f, (int2)(1, 2));
}
