# SPDX-License-Identifier: MIT
"""Integer built-ins (g_integer.cl) for every integer type and width.
Most are written once as vector-or-scalar expressions (OpenCL C's vector
operators, clang's element-wise built-ins), so vector variants are real
vector code; the rest apply the scalar per element."""
from genlib import (INTS, WIDTHS, BITS, SIGNED, UNSIGNED_OF, INT_MIN, INT_MAX, Out, vt,
                    comp, per_element, lit)

# The type twice as wide, for mul_hi, mad_sat and upsample.
WIDER = {'char': 'short', 'uchar': 'ushort', 'short': 'int', 'ushort': 'uint',
         'int': 'long', 'uint': 'ulong', 'long': '__int128', 'ulong': 'unsigned __int128'}


def cast(t, n, e):
    """e converted to vt(t, n): a cast for scalars, a vector conversion otherwise."""
    if n == 1:
        return '((%s)(%s))' % (t, e)
    return '__builtin_convertvector(%s, %s)' % (e, vt(t, n))


def as_t(t, n, e):
    """The bits of e as vt(t, n) (a plain cast for scalars, which C promotes)."""
    if n == 1:
        return '((%s)(%s))' % (t, e)
    return 'as_%s(%s)' % (vt(t, n), e)


def gen_type(out, t, n):
    tn, u = vt(t, n), UNSIGNED_OF[t]
    un, w = vt(u, n), BITS[t]
    signed = t in SIGNED

    def fn(proto, body):
        out.fn(proto, body, 'OVL CNST')

    # abs, abs_diff: unsigned results, so no overflow.
    if signed:
        fn('%s abs(%s x)' % (un, tn), 'return %s;' % as_t(u, n, '__builtin_elementwise_abs(x)'))
        fn('%s abs_diff(%s x, %s y)' % (un, tn, tn),
           '%s ux = %s, uy = %s;\nreturn x > y ? (%s)(ux - uy) : (%s)(uy - ux);'
           % (un, as_t(u, n, 'x'), as_t(u, n, 'y'), un, un))
    else:
        fn('%s abs(%s x)' % (un, tn), 'return x;')
        fn('%s abs_diff(%s x, %s y)' % (un, tn, tn),
           'return x > y ? (%s)(x - y) : (%s)(y - x);' % (un, un))
    if n == 1 and w < 32:
        # Scalars narrower than int would be promoted: saturate in int.
        for name, op in (('add_sat', '+'), ('sub_sat', '-')):
            fn('%s %s(%s x, %s y)' % (t, name, t, t),
               'int r = (int)x %s (int)y;\nreturn (%s)(r < %d ? %d : r > %d ? %d : r);'
               % (op, t, INT_MIN[t], INT_MIN[t], INT_MAX[t], INT_MAX[t]))
    else:
        fn('%s add_sat(%s x, %s y)' % (tn, tn, tn),
           'return __builtin_elementwise_add_sat(x, y);')
        fn('%s sub_sat(%s x, %s y)' % (tn, tn, tn),
           'return __builtin_elementwise_sub_sat(x, y);')
    fn('%s hadd(%s x, %s y)' % (tn, tn, tn),
       'return (%s)((x >> 1) + (y >> 1) + (x & y & (%s)1));' % (tn, tn))
    fn('%s rhadd(%s x, %s y)' % (tn, tn, tn),
       'return (%s)((x >> 1) + (y >> 1) + ((x | y) & (%s)1));' % (tn, tn))
    for name, b in (('max', 'max'), ('min', 'min')):
        fn('%s %s(%s x, %s y)' % (tn, name, tn, tn),
           'return __builtin_elementwise_%s(x, y);' % b)
    fn('%s clamp(%s x, %s lo, %s hi)' % (tn, tn, tn, tn),
       'return __builtin_elementwise_min(__builtin_elementwise_max(x, lo), hi);')
    if n > 1:
        for name in ('max', 'min'):
            fn('%s %s(%s x, %s y)' % (tn, name, tn, t),
               'return __builtin_elementwise_%s(x, (%s)y);' % (name, tn))
        fn('%s clamp(%s x, %s lo, %s hi)' % (tn, tn, t, t),
           'return __builtin_elementwise_min(__builtin_elementwise_max(x, (%s)lo), (%s)hi);'
           % (tn, tn))
    # Bit counts on the unsigned representation, per element.
    for name, b in (('clz', '__builtin_clzg(%s, %d)'), ('ctz', '__builtin_ctzg(%s, %d)')):
        expr = per_element(n, t, lambda i: '(%s)%s' % (
            t, b % ('as_%s(%s)' % (u, comp('x', n, i)), w)))
        fn('%s %s(%s x)' % (tn, name, tn), 'return %s;' % expr)
    expr = per_element(n, t, lambda i: '(%s)__builtin_popcountg(as_%s(%s))' % (
        t, u, comp('x', n, i)))
    fn('%s popcount(%s x)' % (tn, tn), 'return %s;' % expr)
    # rotate in the unsigned representation; shift counts taken modulo w.
    fn('%s rotate(%s v, %s i)' % (tn, tn, tn),
       '%s x = %s, s = %s & (%s)%d;\n'
       'return %s;' % (un, as_t(u, n, 'v'), as_t(u, n, 'i'), un, w - 1,
                       as_t(t, n, '(%s)((x << s) | (x >> (((%s)%d - s) & (%s)%d)))'
                            % (un, un, w, un, w - 1))))
    gen_mul(out, t, n)
    if t in ('int', 'uint'):
        # Only 24-bit operands are defined: a plain 32-bit product then.
        fn('%s mul24(%s x, %s y)' % (tn, tn, tn),
           'return %s;' % as_t(t, n, as_t(u, n, 'x') + ' * ' + as_t(u, n, 'y')))
        fn('%s mad24(%s x, %s y, %s z)' % (tn, tn, tn, tn),
           'return %s;' % as_t(t, n, '%s * %s + %s' % (as_t(u, n, 'x'), as_t(u, n, 'y'),
                                                      as_t(u, n, 'z'))))
    if w < 64:
        wide = WIDER[t]
        hi_t = t
        lo_t = u
        wn = vt(wide, n)
        fn('%s upsample(%s hi, %s lo)' % (wn, tn, vt(lo_t, n)),
           'return (%s)(%s << %d) | %s;' % (wn, cast(wide, n, 'hi'), w,
                                           cast(wide, n, cast(UNSIGNED_OF[wide], n, 'lo'))))
        del hi_t


def gen_mul(out, t, n):
    """mul_hi, mad_hi, mad_sat through the type twice as wide."""
    tn, w = vt(t, n), BITS[t]
    wide = WIDER[t]

    def fn(proto, body):
        out.fn(proto, body, 'OVL CNST')

    if w < 64:
        wn = vt(wide, n)
        fn('%s mul_hi(%s x, %s y)' % (tn, tn, tn),
           'return %s;' % cast(t, n, '(%s * %s) >> %d' % (cast(wide, n, 'x'), cast(wide, n, 'y'),
                                                         w)))
        fn('%s mad_sat(%s a, %s b, %s c)' % (tn, tn, tn, tn),
           '%s r = %s * %s + %s;\n'
           'r = __builtin_elementwise_min(__builtin_elementwise_max(r, (%s)%s), (%s)%s);\n'
           'return %s;' % (wn, cast(wide, n, 'a'), cast(wide, n, 'b'), cast(wide, n, 'c'),
                           wn, lit(wide, INT_MIN[t]), wn, lit(wide, INT_MAX[t]),
                           cast(t, n, 'r')))
    elif n == 1:
        fn('%s mul_hi(%s x, %s y)' % (t, t, t),
           'return (%s)(((%s)x * (%s)y) >> 64);' % (t, wide, wide))
        lo = '(%s)(-0x7fffffffffffffffL - 1)' % wide if t == 'long' else '(%s)0' % wide
        hi = '(%s)0x7fffffffffffffffL' % wide if t == 'long' else '(%s)0xffffffffffffffffUL' % wide
        fn('%s mad_sat(%s a, %s b, %s c)' % (t, t, t, t),
           '%s r = (%s)a * (%s)b + (%s)c;\n'
           'return (%s)(r < %s ? %s : r > %s ? %s : r);'
           % (wide, wide, wide, wide, t, lo, lo, hi, hi))
    else:
        for name, k in (('mul_hi', 2), ('mad_sat', 3)):
            names = 'abc'[:k]
            expr = per_element(n, t, lambda i: '%s(%s)' % (
                name, ', '.join(comp(a, n, i) for a in names)))
            fn('%s %s(%s)' % (tn, name, ', '.join('%s %s' % (tn, a) for a in names)),
               'return %s;' % expr)
    fn('%s mad_hi(%s a, %s b, %s c)' % (tn, tn, tn, tn), 'return mul_hi(a, b) + c;')


def generate():
    out = Out('integer built-ins')
    for t in INTS:
        for n in WIDTHS:
            gen_type(out, t, n)
    return {'g_integer.cl': out.text()}
