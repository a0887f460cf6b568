# SPDX-License-Identifier: MIT
"""Common, geometric and relational built-ins (g_common.cl). Relational
results are 0/1 for scalars and 0/-1 per element for vectors, which is what
OpenCL C's own comparison operators give: the functions use them."""
from genlib import ALL, FLOATS, WIDTHS, SIGNED_OF, UNSIGNED_OF, Out, vt, comp

DEGREES = {'float': '57.295779513082320876798154814105f',
           'double': '57.295779513082320876798154814105'}
RADIANS = {'float': '0.017453292519943295769236907684886f',
           'double': '0.017453292519943295769236907684886'}


def gen_common(out):
    for t in FLOATS:
        for n in WIDTHS:
            tn = vt(t, n)

            def fn(proto, body):
                out.fn(proto, body, 'OVL CNST')

            scal = [tn] if n == 1 else [tn, t]
            for st in scal:
                b = '(%s)' % tn if st != tn else ''
                fn('%s clamp(%s x, %s lo, %s hi)' % (tn, tn, st, st),
                   'return __builtin_elementwise_min(__builtin_elementwise_max(x, %slo), %shi);'
                   % (b, b))
                fn('%s max(%s x, %s y)' % (tn, tn, st),
                   'return __builtin_elementwise_max(x, %sy);' % b)
                fn('%s min(%s x, %s y)' % (tn, tn, st),
                   'return __builtin_elementwise_min(x, %sy);' % b)
                fn('%s mix(%s x, %s y, %s a)' % (tn, tn, tn, st), 'return x + (y - x) * a;')
                fn('%s step(%s edge, %s x)' % (tn, st, tn),
                   'return x < edge ? (%s)0 : (%s)1;' % (tn, tn))
                fn('%s smoothstep(%s e0, %s e1, %s x)' % (tn, st, st, tn),
                   '%s t = clamp((x - e0) / (e1 - e0), (%s)0, (%s)1);\n'
                   'return t * t * ((%s)3 - (%s)2 * t);' % (tn, t, t, tn, tn))
            fn('%s degrees(%s r)' % (tn, tn), 'return r * %s;' % DEGREES[t])
            fn('%s radians(%s d)' % (tn, tn), 'return d * %s;' % RADIANS[t])
            fn('%s sign(%s x)' % (tn, tn),
               'return x > (%s)0 ? (%s)1 : x < (%s)0 ? (%s)-1 : x != x ? (%s)0 : x;'
               % (tn, tn, tn, tn, tn))


def dot_expr(a, b, n):
    return ' + '.join('%s * %s' % (comp(a, n, i), comp(b, n, i)) for i in range(n))


def gen_geometric_helpers(out):
    """Double helpers, also used by the float functions (which compute in double)."""
    for n in (1, 2, 3, 4):
        tn = vt('double', n)
        # max |p_i|, NaN if one is.
        if n > 1:
            out.fn('double __svm_maxabs(%s p)' % tn,
                   '%s a = __builtin_elementwise_abs(p);\ndouble m = a.s0;\n%s'
                   'return m;' % (tn, ''.join(
                       'm = %s > m || %s != %s ? %s : m;\n' % ((comp('a', n, i),) * 4)
                       for i in range(1, n))), 'OVL CNST')
        else:
            out.fn('double __svm_maxabs(double p)', 'return __builtin_fabs(p);', 'OVL CNST')
        # normalize: infinite elements become +-1 and the others +-0 first.
        ip = ('__builtin_elementwise_abs(p) == (%s)INFINITY' % tn)
        out.fn('%s __svm_normalize_prep(%s p)' % (tn, tn),
               'if (!(%s))\n\treturn p;\n'
               'return __builtin_elementwise_copysign(%s ? (%s)1 : (%s)0, p);'
               % ('any(%s)' % ip if n > 1 else ip, ip, tn, tn), 'OVL CNST')
        # p * 2^e in two steps: 2^e alone is infinite for e >= 1024, which
        # scaling a subnormal (ilogb down to -1074) up to 1 needs.
        out.fn('%s __svm_scale(%s p, int e)' % (tn, tn),
               'int h = e / 2;\n'
               'return p * __builtin_ldexp(1.0, h) * __builtin_ldexp(1.0, e - h);', 'OVL CNST')
        # length: direct when the sum of squares is safely in range, else
        # scaled by a power of two.
        out.fn('double __svm_length(%s p)' % tn,
               'double s = %s, m;\n'
               'if (s > 0x1p-900 && s < 0x1p900)\n\treturn __builtin_sqrt(s);\n'
               'if (%s)\n\treturn INFINITY;\n'
               'm = __svm_maxabs(p);\n'
               'if (m == 0 || m != m)\n\treturn m;\n'
               'p = __svm_scale(p, -__builtin_ilogb(m));\n'
               'return __builtin_sqrt(%s) * __builtin_ldexp(1.0, __builtin_ilogb(m));'
               % (dot_expr('p', 'p', n),
                  ('any(__builtin_elementwise_abs(p) == (%s)INFINITY)' % tn if n > 1
                   else '__builtin_fabs(p) == INFINITY'),
                  dot_expr('p', 'p', n)), 'OVL CNST')


def gen_geometric(out):
    gen_geometric_helpers(out)
    for t in FLOATS:
        for n in (1, 2, 3, 4):
            tn, dn = vt(t, n), vt('double', n)

            def fn(proto, body):
                out.fn(proto, body, 'OVL CNST')

            fn('%s dot(%s p, %s q)' % (t, tn, tn), 'return %s;' % dot_expr('p', 'q', n))
            if t == 'float':
                # In double: exact squares and sums, no overflow or underflow.
                dp = 'convert_%s(p)' % dn if n > 1 else '(double)p'
                fn('float length(%s p)' % tn,
                   '%s d = %s;\nreturn (float)__builtin_sqrt(%s);'
                   % (dn, dp, dot_expr('d', 'd', n)))
                dd = ('convert_%s(p) - convert_%s(q)' % (dn, dn) if n > 1 else
                      '(double)p - (double)q')
                fn('float distance(%s p, %s q)' % (tn, tn),
                   '%s d = %s;\nreturn (float)__builtin_sqrt(%s);'
                   % (dn, dd, dot_expr('d', 'd', n)))
                fn('%s normalize(%s p)' % (tn, tn),
                   '%s d = __svm_normalize_prep(%s);\ndouble s = %s;\n'
                   'if (s == 0)\n\treturn p;\nreturn %s(d / __builtin_sqrt(s));'
                   % (dn, dp, dot_expr('d', 'd', n), 'convert_%s' % tn if n > 1 else '(float)'))
                fn('float fast_length(%s p)' % tn, 'return half_sqrt(%s);' % dot_expr('p', 'p', n))
                fn('float fast_distance(%s p, %s q)' % (tn, tn), 'return fast_length(p - q);')
                fn('%s fast_normalize(%s p)' % (tn, tn),
                   'float s = %s;\nreturn s == 0.0f ? p : p * half_rsqrt(s);'
                   % dot_expr('p', 'p', n))
            else:
                fn('double length(%s p)' % tn, 'return __svm_length(p);')
                fn('double distance(%s p, %s q)' % (tn, tn), 'return __svm_length(p - q);')
                fn('%s normalize(%s p)' % (tn, tn),
                   '%s d = __svm_normalize_prep(p);\ndouble m = __svm_maxabs(d);\n'
                   'if (m == 0 || m != m)\n\treturn d * m;\n'
                   '// Scaled by a power of two near 1/m: no overflow or underflow.\n'
                   'd = __svm_scale(d, -__builtin_ilogb(m));\n'
                   'return d / __builtin_sqrt(%s);' % (tn, dot_expr('d', 'd', n)))
        for n in (3, 4):
            tn = vt(t, n)
            w = ', (%s)0' % t if n == 4 else ''
            out.fn('%s cross(%s p, %s q)' % (tn, tn, tn),
                   'return (%s)(p.y * q.z - p.z * q.y, p.z * q.x - p.x * q.z, '
                   'p.x * q.y - p.y * q.x%s);' % (tn, w), 'OVL CNST')


def gen_relational(out):
    for t in FLOATS:
        for n in WIDTHS:
            tn = vt(t, n)
            rt = 'int' if n == 1 else vt(SIGNED_OF[t], n)

            def fn(proto, body):
                out.fn(proto, body, 'OVL CNST')

            for name, op in (('isequal', '=='), ('isnotequal', '!='), ('isgreater', '>'),
                             ('isgreaterequal', '>='), ('isless', '<'), ('islessequal', '<=')):
                fn('%s %s(%s x, %s y)' % (rt, name, tn, tn), 'return x %s y;' % op)
            fn('%s islessgreater(%s x, %s y)' % (rt, tn, tn), 'return x < y || x > y;')
            fn('%s isordered(%s x, %s y)' % (rt, tn, tn), 'return x == x && y == y;')
            fn('%s isunordered(%s x, %s y)' % (rt, tn, tn), 'return x != x || y != y;')
            ax = '__builtin_elementwise_abs(x)'
            inf = '(%s)INFINITY' % tn
            fn('%s isfinite(%s x)' % (rt, tn), 'return %s < %s;' % (ax, inf))
            fn('%s isinf(%s x)' % (rt, tn), 'return %s == %s;' % (ax, inf))
            fn('%s isnan(%s x)' % (rt, tn), 'return x != x;')
            fn('%s isnormal(%s x)' % (rt, tn),
               'return %s >= (%s)%s && %s < %s;'
               % (ax, tn, 'FLT_MIN' if t == 'float' else 'DBL_MIN', ax, inf))
            fn('%s signbit(%s x)' % (rt, tn),
               'return as_%s(x) < (%s)0;' % (vt(SIGNED_OF[t], n), vt(SIGNED_OF[t], n)))
    for t in ('char', 'short', 'int', 'long'):
        for n in WIDTHS:
            tn = vt(t, n)
            red = ' | '.join(comp('x', n, i) for i in range(n))
            out.fn('int any(%s x)' % tn, 'return (%s) < 0;' % red, 'OVL CNST')
            red = ' & '.join(comp('x', n, i) for i in range(n))
            out.fn('int all(%s x)' % tn, 'return (%s) < 0;' % red, 'OVL CNST')
    for t in ALL:
        for n in WIDTHS:
            tn = vt(t, n)
            if t in FLOATS:
                ut = vt(UNSIGNED_OF[t], n)
                body = ('%s ua = as_%s(a), ub = as_%s(b), uc = as_%s(c);\n'
                        'return as_%s((ua & ~uc) | (ub & uc));' % (ut, ut, ut, ut, tn))
            else:
                body = 'return (a & ~c) | (b & c);'
            out.fn('%s bitselect(%s a, %s b, %s c)' % (tn, tn, tn, tn), body, 'OVL CNST')
            for ct in (SIGNED_OF[t], UNSIGNED_OF[t]):
                ctn = vt(ct, n)
                if n == 1:
                    body = 'return c ? b : a;'
                else:
                    st = vt(SIGNED_OF[t], n)
                    body = 'return as_%s(c) < (%s)0 ? b : a;' % (st, st)
                out.fn('%s select(%s a, %s b, %s c)' % (tn, tn, tn, ctn), body, 'OVL CNST')


def generate():
    out = Out('common, geometric and relational built-ins')
    gen_common(out)
    gen_relational(out)
    # The geometric helpers use any() and the relational functions.
    gen_geometric(out)
    return {'g_common.cl': out.text()}
