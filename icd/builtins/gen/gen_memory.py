# SPDX-License-Identifier: MIT
"""Memory built-ins (g_memory.cl, g_half.cl, g_async.cl): vloadn/vstoren,
shuffle/shuffle2, the half loads and stores in every rounding mode (a file of
their own: the cuda device's library uses it too), prefetch, and the
work-group asynchronous copies."""
from genlib import ALL, VWIDTHS, WIDTHS, AS_RO, AS_RW, UNSIGNED_OF, COMPONENTS, Out, vt

ROUNDINGS = (('', 0), ('_rte', 0), ('_rtz', 1), ('_rtp', 2), ('_rtn', 3))


def gen_vload_store(out):
    # Vectors of element alignment: a load or store of the whole vector
    # (3-element vectors occupy 4 elements in memory: those go per element).
    for t in ALL:
        for n in VWIDTHS:
            if n != 3:
                out.add('typedef %s __attribute__((aligned(%d))) __svm_ua_%s;'
                        % (vt(t, n), {'char': 1, 'uchar': 1, 'short': 2, 'ushort': 2}.get(
                            t, 8 if t in ('long', 'ulong', 'double') else 4), vt(t, n)))
    for t in ALL:
        for n in VWIDTHS:
            tn = vt(t, n)
            for asp in AS_RO:
                if n == 3:
                    body = ('const %s %s *q = p + off * 3;\nreturn (%s)(q[0], q[1], q[2]);'
                            % (asp, t, tn))
                else:
                    body = 'return *(const %s __svm_ua_%s *)(p + off * %d);' % (asp, tn, n)
                out.fn('%s vload%d(size_t off, const %s %s *p)' % (tn, n, asp, t), body)
            for asp in AS_RW:
                if n == 3:
                    body = ('%s %s *q = p + off * 3;\nq[0] = v.s0;\nq[1] = v.s1;\nq[2] = v.s2;'
                            % (asp, t))
                else:
                    body = '*(%s __svm_ua_%s *)(p + off * %d) = v;' % (asp, tn, n)
                out.fn('void vstore%d(%s v, size_t off, %s %s *p)' % (n, tn, asp, t), body)


def gen_half(out):
    for n in WIDTHS:
        fn_n = '' if n == 1 else str(n)
        tn = vt('float', n)
        for aligned in (False, True):
            if aligned and n == 1:
                continue
            # vloada_half3 and vstorea_half3 step by 4 halves.
            step = 4 if aligned and n == 3 else n
            pre = 'vloada_half' if aligned else 'vload_half'
            for asp in AS_RO:
                if n == 1:
                    body = 'return __svm_half2float(((const %s ushort *)p)[off]);' % asp
                else:
                    body = ('const %s ushort *q = (const %s ushort *)p + off * %d;\n'
                            'return (%s)(%s);' % (asp, asp, step, tn, ', '.join(
                                '__svm_half2float(q[%d])' % i for i in range(n))))
                out.fn('%s %s%s(size_t off, const %s half *p)' % (tn, pre, fn_n, asp), body)
            pre = 'vstorea_half' if aligned else 'vstore_half'
            for src in ('float', 'double'):
                sn = vt(src, n)
                for rname, mode in ROUNDINGS:
                    for asp in AS_RW:
                        if n == 1:
                            body = ('((%s ushort *)p)[off] = __svm_float2half(v, %d);'
                                    % (asp, mode))
                        else:
                            body = '%s ushort *q = (%s ushort *)p + off * %d;\n' % (
                                asp, asp, step) + ''.join(
                                'q[%d] = __svm_float2half(v.%s, %d);\n' % (i, COMPONENTS[i], mode)
                                for i in range(n))
                        out.fn('void %s%s%s(%s v, size_t off, %s half *p)'
                               % (pre, fn_n, rname, sn, asp), body)


def gen_shuffle(out):
    for t in ALL:
        ut = UNSIGNED_OF[t]
        for m in (2, 4, 8, 16):
            for n in (2, 4, 8, 16):
                rn, xm, mn = vt(t, n), vt(t, m), vt(ut, n)
                lines = ['%s r;' % rn]
                for i in range(n):
                    c = COMPONENTS[i]
                    lines.append('r.%s = x[mask.%s & %d];' % (c, c, m - 1))
                out.fn('%s shuffle(%s x, %s mask)' % (rn, xm, mn), '\n'.join(lines + ['return r;']),
                       'OVL CNST')
                lines = ['%s r;' % rn, '%s k;' % ut]
                for i in range(n):
                    c = COMPONENTS[i]
                    lines.append('k = mask.%s & %d;' % (c, 2 * m - 1))
                    lines.append('r.%s = k < %d ? x[k] : y[k - %d];' % (c, m, m))
                out.fn('%s shuffle2(%s x, %s y, %s mask)' % (rn, xm, xm, mn),
                       '\n'.join(lines + ['return r;']), 'OVL CNST')


def gen_async(out):
    """Every work-item of the group calls these with the same arguments: each
    copies its share (a contiguous chunk, by local linear id); the copy is
    complete for everyone once wait_group_events has synchronised the group."""
    out.add('static size_t __svm_wg_items(void)\n{\n'
            '\treturn get_local_size(0) * get_local_size(1) * get_local_size(2);\n}')
    for t in ALL:
        for n in WIDTHS:
            tn = vt(t, n)
            for dst, src in (('__local', '__global'), ('__global', '__local')):
                head = ('size_t items = __svm_wg_items(), me = get_local_linear_id();\n'
                        'size_t chunk = (num + items - 1) / items, lo = me * chunk;\n'
                        'size_t hi = lo + chunk < num ? lo + chunk : num;\n')
                out.fn('event_t async_work_group_copy(%s %s *dst, const %s %s *src, size_t num, '
                       'event_t ev)' % (dst, tn, src, tn),
                       head + 'for (size_t i = lo; i < hi; i++)\n\tdst[i] = src[i];\nreturn ev;',
                       'OVL __attribute__((convergent))')
                idx = ('dst[i] = src[i * stride];' if dst == '__local' else
                       'dst[i * stride] = src[i];')
                out.fn('event_t async_work_group_strided_copy(%s %s *dst, const %s %s *src, '
                       'size_t num, size_t stride, event_t ev)' % (dst, tn, src, tn),
                       head + 'for (size_t i = lo; i < hi; i++)\n\t%s\nreturn ev;' % idx,
                       'OVL __attribute__((convergent))')
            out.fn('void prefetch(const __global %s *p, size_t num)' % tn,
                   '(void)p;\n(void)num;')
    for asp in ('__generic', '__private'):
        out.fn('void wait_group_events(int num, %s event_t *events)' % asp,
               '(void)num;\n(void)events;\n'
               '__svmgpu_wg_sync(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE);',
               'OVL __attribute__((convergent))')


def generate():
    mem = Out('vector loads and stores, shuffles')
    gen_vload_store(mem)
    gen_shuffle(mem)
    half = Out('half loads and stores')
    gen_half(half)
    asy = Out('asynchronous work-group copies, prefetch')
    gen_async(asy)
    return {'g_memory.cl': mem.text(), 'g_half.cl': half.text(), 'g_async.cl': asy.text()}
