# SPDX-License-Identifier: MIT
"""Conversions convert_<dst>[n][_sat][_rte|_rtz|_rtp|_rtn](<src>[n]) for every
pair of types (g_convert_<dst>.cl, one file per destination so they build
in parallel). Bit-exact per the specification:

- integer to integer: modulo 2^bits, or clamped with _sat; rounding modes
  change nothing;
- floating point to integer: rounded by the mode (default toward zero),
  _sat clamps and maps NaN to 0 (without _sat an out-of-range value is
  undefined: a plain conversion);
- to floating point: rounded by the mode (default to nearest even); a
  directed mode needs work only where the value may not be exact (32/64-bit
  integers to float, 64-bit integers to double, double to float): the
  __svm_cvt_* helpers of convert.cl.

Vector variants stay vector code where they can (clamps and conversions of
whole vectors); the directed-rounding helpers apply per element."""
from genlib import (ALL, INTS, FLOATS, WIDTHS, BITS, SIGNED, SIGNED_OF, INT_MIN, INT_MAX, Out,
                    vt, comp, per_element, lit, float_lit)

ROUNDINGS = ('', '_rte', '_rtz', '_rtp', '_rtn')
MODE = {'': 0, '_rte': 0, '_rtz': 1, '_rtp': 2, '_rtn': 3}
# Floating-point rounding to an integral value, per mode (default: toward zero).
ROUND_FN = {'': None, '_rtz': None, '_rte': 'rint', '_rtp': 'ceil', '_rtn': 'floor'}
MANT = {'float': 24, 'double': 53}
FILES = ['g_convert_%s.cl' % t for t in ALL]


def conv(x, dst, n):
    return '(%s)(%s)' % (dst, x) if n == 1 else '__builtin_convertvector(%s, %s)' % (x, vt(dst, n))


def exact_in(src, dst):
    """Whether every value of the integer type src is exact in float type dst."""
    return BITS[src] - (1 if src in SIGNED else 0) <= MANT[dst]


def largest_below(limit, ft):
    """The largest value of float type ft below 2^k = limit."""
    return limit - (1 << (limit.bit_length() - 1 - MANT[ft]))


def int_from_int(dst, src, n, sat):
    x = 'x'
    if sat:
        tn = vt(src, n)
        lo, hi = INT_MIN[dst], INT_MAX[dst]
        if INT_MIN[src] < lo:
            x = '__builtin_elementwise_max(%s, (%s)%s)' % (x, tn, lit(src, lo))
        if INT_MAX[src] > hi:
            x = '__builtin_elementwise_min(%s, (%s)%s)' % (x, tn, lit(src, hi))
    return 'return %s;' % conv(x, dst, n)


def int_from_float(dst, src, n, sat, rnd):
    tn = vt(src, n)
    y = 'x' if ROUND_FN[rnd] is None else '__builtin_elementwise_%s(x)' % ROUND_FN[rnd]
    if not sat:
        return 'return %s;' % conv(y, dst, n)
    lo, hi = INT_MIN[dst], INT_MAX[dst]
    lines = ['%s y = %s;' % (tn, y)]
    if hi < (1 << MANT[src]):
        # Both limits exact in src: a clamp does it (maxnum maps NaN to lo).
        clamp_hi, over = hi, None
    else:
        clamp_hi, over = largest_below(hi + 1, src), hi + 1
    lines.append('%s r = %s;' % (vt(dst, n), conv(
        '__builtin_elementwise_min(__builtin_elementwise_max(y, (%s)%s), (%s)%s)'
        % (tn, float_lit(lo, src), tn, float_lit(clamp_hi, src)), dst, n)))
    dn = vt(dst, n)

    def mask(cond):
        # A comparison of src elements as a select mask of dst's width.
        return cond if n == 1 else conv(cond, SIGNED_OF[dst], n)

    if over is not None:
        lines.append('r = %s ? (%s)%s : r;' % (mask('y >= (%s)%s' % (tn, float_lit(over, src))),
                                             dn, lit(dst, hi)))
    if lo != 0:
        lines.append('r = %s ? (%s)0 : r;' % (mask('x != x'), dn))
    lines.append('return r;')
    return '\n'.join(lines)


def float_from(dst, src, n, rnd):
    mode = MODE[rnd]
    if src == dst or mode == 0 or (src == 'float' and dst == 'double') or \
            (src in INTS and exact_in(src, dst)):
        return 'return %s;' % conv('x', dst, n)
    if dst == 'float':
        helper = '__svm_cvt_float'
        arg = '(double)%s' if src in ('char', 'uchar', 'short', 'ushort') else '%s'
    else:
        helper = '__svm_cvt_double'
        arg = '%s'
    expr = per_element(n, dst, lambda i: '%s(%s, %d)' % (helper, arg % comp('x', n, i), mode))
    return 'return %s;' % expr


def generate_dst(dst):
    out = Out('conversions to %s' % dst)
    for n in WIDTHS:
        for src in ALL:
            for sat in (('', '_sat') if dst in INTS else ('',)):
                for rnd in ROUNDINGS:
                    name = 'convert_%s%s%s' % (vt(dst, n), sat, rnd)
                    proto = '%s %s(%s x)' % (vt(dst, n), name, vt(src, n))
                    if dst in FLOATS:
                        body = float_from(dst, src, n, rnd)
                    elif src in INTS:
                        body = int_from_int(dst, src, n, sat == '_sat')
                    else:
                        body = int_from_float(dst, src, n, sat == '_sat', rnd)
                    out.fn(proto, body, 'OVL CNST')
    return out.text()


def generate():
    return {'g_convert_%s.cl' % t: generate_dst(t) for t in ALL}
