// SPDX-License-Identifier: MIT
// Test wrappers of the work-item functions, barriers, work-group functions,
// asynchronous copies, atomics and printf (test_sync.c, test_printf.c).

void t_workitem(global ulong *o)
{
	int k = 0;

	o[k++] = get_work_dim();
	for (uint d = 0; d < 4; d++) {
		o[k++] = get_global_size(d);
		o[k++] = get_global_id(d);
		o[k++] = get_local_size(d);
		o[k++] = get_enqueued_local_size(d);
		o[k++] = get_local_id(d);
		o[k++] = get_num_groups(d);
		o[k++] = get_group_id(d);
		o[k++] = get_global_offset(d);
	}
	o[k++] = get_global_linear_id();
	o[k++] = get_local_linear_id();
	// Constant dimensions, as kernels mostly use them.
	o[k++] = get_global_id(0) + 1000 * get_global_id(1) + 1000000 * get_global_id(2);
	o[k++] = get_global_id(7);
	o[k++] = get_local_size(9);
}

// Each work-item of a group (fibers): work-group functions in a row, then
// an asynchronous copy, with results at o[k * 1024 + local linear id].
void t_workgroup(const global int *in, const global double *din, global long *o,
		 global double *od, local int *tmp, global int *dst)
{
	size_t me = get_local_linear_id(), n = get_local_size(0) * get_local_size(1) *
					     get_local_size(2);
	int x = in[me];
	uint ux = (uint)x;
	long lx = (long)x * 3000000000L;
	double dx = din[me];
	float fx = (float)din[me];
	int k = 0;
	event_t ev;

#define OUT(v) o[k++ * 1024 + me] = (long)(v)
#define OUTD(v) od[(k++ - 100) * 1024 + me] = (v)
	OUT(get_local_id(0) + 100 * get_local_id(1) + 10000 * get_local_id(2));
	OUT(work_group_all(x > -1000));
	OUT(work_group_any(x == in[n - 1]));
	OUT(work_group_all(x > 0));
	OUT(work_group_reduce_add(x));
	OUT(work_group_reduce_min(x));
	OUT(work_group_reduce_max(x));
	OUT(work_group_scan_inclusive_add(x));
	OUT(work_group_scan_exclusive_add(x));
	OUT(work_group_scan_inclusive_min(x));
	OUT(work_group_scan_exclusive_min(x));
	OUT(work_group_scan_inclusive_max(x));
	OUT(work_group_scan_exclusive_max(x));
	OUT(work_group_reduce_max(ux));
	OUT(work_group_scan_exclusive_min(ux));
	OUT(work_group_reduce_add(lx));
	OUT(work_group_scan_inclusive_max(lx));
	OUT(work_group_reduce_min((ulong)lx));
	OUT(work_group_broadcast(x, n - 1));
	OUT(work_group_broadcast(lx, get_local_size(0) - 1, 0));
	OUT(work_group_broadcast(ux, 0, get_local_size(1) - 1, get_local_size(2) - 1));
	barrier(CLK_LOCAL_MEM_FENCE);
	OUT(get_local_id(0) + 100 * get_local_id(1) + 10000 * get_local_id(2));
	work_group_barrier(CLK_GLOBAL_MEM_FENCE, memory_scope_work_group);
	OUT(get_local_linear_id());
	k = 100;
	OUTD(work_group_reduce_add(dx));
	OUTD(work_group_scan_inclusive_add(dx));
	OUTD(work_group_scan_exclusive_max(dx));
	OUTD(work_group_broadcast(dx, 0));
	OUTD(work_group_reduce_add(fx));
	OUTD(work_group_scan_exclusive_min(fx));
	// Copy in[] to local memory and back out, then look at others' parts.
	ev = async_work_group_copy(tmp, in, n * 3, 0);
	wait_group_events(1, &ev);
	o[30 * 1024 + me] = tmp[(me + 1) % n] + tmp[n + me];
	ev = async_work_group_strided_copy(dst, tmp, n, 3, 0);
	ev = async_work_group_copy(dst + 3 * n, tmp, n, ev);
	wait_group_events(1, &ev);
	prefetch(in, n);
#undef OUT
#undef OUTD
}

void t_atomic_add(volatile global int *p, volatile global long *q, volatile global atomic_int *a,
		  volatile global atomic_ulong *b, int n)
{
	for (int i = 0; i < n; i++) {
		atomic_inc(p);
		atomic_add(p + 1, 2);
		atom_add(q, 3L);
		atom_dec(q + 1);
		atomic_fetch_add_explicit(a, 1, memory_order_relaxed, memory_scope_device);
		atomic_fetch_sub(a + 1, 1);
		atomic_fetch_add_explicit(b, 5UL, memory_order_acq_rel,
					  memory_scope_all_svm_devices);
		atomic_fetch_max_explicit(a + 2, i, memory_order_seq_cst);
	}
}

// Single-threaded semantics of the other atomics: results in o[].
void t_atomic_ops(volatile global int *p, volatile global uint *u, volatile global float *f,
		  volatile global atomic_int *a, volatile global atomic_float *af,
		  volatile global atomic_double *ad, volatile global atomic_flag *fl,
		  volatile local int *lp, global long *o)
{
	int k = 0, e;
	float fe;

	p[0] = 10;
	o[k++] = atomic_cmpxchg(p, 10, 20);      // 10, p = 20
	o[k++] = atomic_cmpxchg(p, 10, 30);      // 20, p = 20
	o[k++] = atomic_xchg(p, 5);              // 20
	o[k++] = atomic_min(p, 3);               // 5
	o[k++] = atomic_max(p, 7);               // 3
	o[k++] = atomic_and(p, 6);               // 7
	o[k++] = atomic_or(p, 9);                // 6
	o[k++] = atomic_xor(p, 1);               // 15
	o[k++] = atomic_sub(p, 4);               // 14
	o[k++] = p[0];                           // 10
	u[0] = 0x80000000u;
	o[k++] = atomic_max(u, 5u);              // unsigned compare: 0x80000000
	o[k++] = atomic_min(u, 5u);              // 0x80000000, u = 5
	f[0] = 1.5f;
	o[k++] = (long)(atomic_xchg(f, 2.5f) * 10); // 15
	atomic_init(a, 7);
	e = 8;
	o[k++] = atomic_compare_exchange_strong(a, &e, 9); // false, e = 7
	o[k++] = e;
	o[k++] = atomic_compare_exchange_weak_explicit(a, &e, 9, memory_order_acq_rel,
						      memory_order_acquire); // true (or spurious)
	o[k++] = atomic_load_explicit(a, memory_order_acquire, memory_scope_work_group); // 9
	o[k++] = atomic_exchange(a, 1);          // 9
	o[k++] = atomic_fetch_or_explicit(a, 6, memory_order_relaxed, memory_scope_work_item); // 1
	o[k++] = atomic_fetch_and(a, 3);         // 7
	o[k++] = atomic_fetch_xor(a, 1);         // 3
	o[k++] = atomic_fetch_min(a, -4);        // 2
	o[k++] = atomic_load(a);                 // -4
	atomic_store(af, 0.5f);
	fe = 0.5f;
	o[k++] = atomic_compare_exchange_strong(af, &fe, 1.25f); // true
	o[k++] = (long)(atomic_load(af) * 100);  // 125
	atomic_store_explicit(ad, 3.5, memory_order_release);
	o[k++] = (long)(atomic_exchange(ad, 1.0) * 10); // 35
	atomic_flag_clear(fl);
	o[k++] = atomic_flag_test_and_set(fl);   // false
	o[k++] = atomic_flag_test_and_set_explicit(fl, memory_order_acquire); // true
	atomic_flag_clear_explicit(fl, memory_order_release, memory_scope_device);
	o[k++] = atomic_flag_test_and_set(fl);   // false
	lp[0] = 1;
	o[k++] = atomic_add(lp, 41);             // 1
	o[k++] = atom_cmpxchg((volatile global long *)o + 63, 0L, 5L); // 0 (o[63] is 0), then 5
	o[k++] = lp[0];                          // 42
	mem_fence(CLK_GLOBAL_MEM_FENCE);
	read_mem_fence(CLK_LOCAL_MEM_FENCE);
	write_mem_fence(CLK_LOCAL_MEM_FENCE);
	atomic_work_item_fence(CLK_GLOBAL_MEM_FENCE, memory_order_seq_cst, memory_scope_device);
	o[k++] = get_fence((generic void *)p) == CLK_GLOBAL_MEM_FENCE; // a global pointer
	o[k++] = to_global((generic int *)p) == p;
}

int t_printf(const global int *iv, const global float *fv, const global double *dv,
	     constant char *str)
{
	int r = 0;

	r |= printf("int %d %i %u %x %X %o %c|%5d|%-5d|%05d\n", iv[0], iv[1], iv[2], iv[3],
		    iv[3], iv[4], 'A' + iv[5], iv[6], iv[6], iv[6]);
	r |= printf("long %ld %lu %lx; short %hd %hhd %hx\n", (long)iv[0] * 100000000000L,
		    (ulong)iv[2] << 33, (ulong)iv[3] << 20, (short)iv[7], (char)iv[8],
		    (ushort)iv[9]);
	r |= printf("float %f %.3f %e %g %a %10.2f|%-8.1e|\n", fv[0], fv[1], fv[2], fv[3],
		    fv[4], fv[5], fv[6]);
	r |= printf("double %.17g %e\n", dv[0], dv[1]);
	r |= printf("string %s %s|%10s|%-6s|%%|\n", "lit", str, "right", "left");
	r |= printf("vec %v4hlf %v2hld %v3d %v8hhd %v4hx\n", vload4(0, fv), vload2(0, iv),
		    vload3(0, iv), convert_char8(vload8(0, iv)), convert_ushort4(vload4(0, iv)));
	r |= printf("vec %v2lf %.2v3lf %v16hld %v2lu\n", vload2(0, dv), vload3(0, dv),
		    vload16(0, iv), convert_ulong2(vload2(0, iv)));
	r |= printf("ptr %p\n", (void *)0);
	return r;
}

int t_printf_bad(void)
{
	#pragma clang diagnostic ignored "-Wformat-invalid-specifier"
	return printf("before %q after\n", 1);
}

int t_printf_line(int id, int n)
{
	return printf("T%d:%d:%s\n", id, n,
		      "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		      "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		      "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
}
