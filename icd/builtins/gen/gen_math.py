# SPDX-License-Identifier: MIT
"""Math built-ins (g_math.cl): scalar ones that map to the C library or an
LLVM intrinsic, the vector variants of all, the address-space overloads of
the pointer functions, and the half_ and native_ variants. The scalar ones
that need care are hand-written in math.cl / math_tmpl.h."""
from genlib import FLOATS, WIDTHS, AS_RW, COMPONENTS, Out, vt, comp, per_element

# Scalars from the C library (__builtin_<name>[f]); glibc is within OpenCL's
# bounds for these. Vector variants apply the scalar per element.
LIBM_UNARY = ('acos', 'acosh', 'asin', 'asinh', 'atan', 'atanh', 'cbrt', 'cos', 'cosh',
              'erf', 'erfc', 'exp', 'exp2', 'exp10', 'expm1', 'log', 'log10', 'log1p',
              'log2', 'logb', 'sin', 'sinh', 'tan', 'tanh', 'tgamma', 'lgamma')
LIBM_BINARY = ('atan2', 'fmod', 'hypot', 'pow', 'remainder', 'nextafter')
# Scalars hand-written in math.cl for one type (the C library misses the
# bound): (name, type).
HAND_SCALAR = {('cbrt', 'double')}
# Element-wise clang built-ins: one LLVM intrinsic on scalars and vectors alike.
ELEM_UNARY = {'ceil': 'ceil', 'fabs': 'abs', 'floor': 'floor', 'rint': 'rint',
              'round': 'round', 'trunc': 'trunc', 'sqrt': 'sqrt'}
ELEM_BINARY = {'copysign': 'copysign', 'fmax': 'max', 'fmin': 'min'}
# Hand-written scalars (math.cl, math_tmpl.h) whose vector variants are
# generated here.
HAND_UNARY = ('acospi', 'asinpi', 'atanpi', 'cospi', 'sinpi', 'tanpi', 'rsqrt')
HAND_BINARY = ('atan2pi', 'fdim', 'maxmag', 'minmag', 'powr')
# Pointer built-ins: (name, pointee is the int vector (else the float one),
# number of value arguments).
POINTER_FNS = (('fract', False, 1), ('modf', False, 1), ('sincos', False, 1),
               ('frexp', True, 1), ('lgamma_r', True, 1), ('remquo', True, 2))
# half_ and native_: float only, any accuracy; these are the precise ones.
RELAXED_UNARY = ('cos', 'exp', 'exp10', 'exp2', 'log', 'log10', 'log2', 'rsqrt', 'sin',
                 'sqrt', 'tan')


def scalar_suffix(t):
    return 'f' if t == 'float' else ''


def args(n_args, t):
    names = 'xyz'[:n_args]
    return ', '.join('%s %s' % (t, a) for a in names), names


def vector_of_scalars(out, name, t, n, n_args):
    """name(tn, ...) from name(t, ...) element by element."""
    proto, names = args(n_args, vt(t, n))
    expr = per_element(n, t, lambda i: '%s(%s)' % (
        name, ', '.join(comp(a, n, i) for a in names)))
    out.fn('%s %s(%s)' % (vt(t, n), name, proto), 'return %s;' % expr, 'OVL CNST')


def gen_libm(out):
    for t in FLOATS:
        sfx = scalar_suffix(t)
        for name in LIBM_UNARY:
            if (name, t) not in HAND_SCALAR:
                out.fn('%s %s(%s x)' % (t, name, t), 'return __builtin_%s%s(x);' % (name, sfx),
                       'OVL CNST')
        for name in LIBM_BINARY:
            out.fn('%s %s(%s x, %s y)' % (t, name, t, t),
                   'return __builtin_%s%s(x, y);' % (name, sfx), 'OVL CNST')
        for n in WIDTHS[1:]:
            for name in LIBM_UNARY + HAND_UNARY:
                vector_of_scalars(out, name, t, n, 1)
            for name in LIBM_BINARY + HAND_BINARY:
                vector_of_scalars(out, name, t, n, 2)


def gen_elementwise(out):
    for t in FLOATS:
        for n in WIDTHS:
            tn = vt(t, n)
            for name, b in ELEM_UNARY.items():
                out.fn('%s %s(%s x)' % (tn, name, tn),
                       'return __builtin_elementwise_%s(x);' % b, 'OVL CNST')
            for name, b in ELEM_BINARY.items():
                out.fn('%s %s(%s x, %s y)' % (tn, name, tn, tn),
                       'return __builtin_elementwise_%s(x, y);' % b, 'OVL CNST')
            out.fn('%s fma(%s a, %s b, %s c)' % (tn, tn, tn, tn),
                   'return __builtin_elementwise_fma(a, b, c);', 'OVL CNST')
            if n > 1:
                for name in ('fmax', 'fmin'):
                    out.fn('%s %s(%s x, %s y)' % (tn, name, tn, t),
                           'return __builtin_elementwise_%s(x, (%s)y);'
                           % (ELEM_BINARY[name], tn), 'OVL CNST')
                # Contracted to fused multiply-adds where the target has them.
                out.fn('%s mad(%s a, %s b, %s c)' % (tn, tn, tn, tn),
                       '#pragma OPENCL FP_CONTRACT ON\nreturn a * b + c;', 'OVL CNST')


def gen_int_args(out):
    """Built-ins with an int or integer-code argument or result."""
    for t in FLOATS:
        it = 'int'
        for n in WIDTHS[1:]:
            tn, itn = vt(t, n), vt(it, n)
            for name in ('pown', 'rootn', 'ldexp'):
                expr = per_element(n, t, lambda i: '%s(%s, %s)' % (
                    name, comp('x', n, i), comp('k', n, i)))
                out.fn('%s %s(%s x, %s k)' % (tn, name, tn, itn), 'return %s;' % expr,
                       'OVL CNST')
            expr = per_element(n, t, lambda i: 'ldexp(%s, k)' % comp('x', n, i))
            out.fn('%s ldexp(%s x, int k)' % (tn, tn), 'return %s;' % expr, 'OVL CNST')
            expr = per_element(n, it, lambda i: 'ilogb(%s)' % comp('x', n, i))
            out.fn('%s ilogb(%s x)' % (itn, tn), 'return %s;' % expr, 'OVL CNST')
            ct = vt('uint' if t == 'float' else 'ulong', n)
            expr = per_element(n, t, lambda i: 'nan(%s)' % comp('c', n, i))
            out.fn('%s nan(%s c)' % (tn, ct), 'return %s;' % expr, 'OVL CNST')


def gen_pointer_fns(out):
    for t in FLOATS:
        for n in WIDTHS:
            tn = vt(t, n)
            for name, int_ptr, n_args in POINTER_FNS:
                pt = 'int' if int_ptr else t
                ptn = vt(pt, n)
                vals = 'xy'[:n_args]
                for asp in AS_RW:
                    proto = '%s %s(%s, %s %s *p)' % (
                        tn, name, ', '.join('%s %s' % (tn, v) for v in vals), asp, ptn)
                    if n == 1:
                        body = ('%s t;\n%s r = __svm_%s(%s, &t);\n*p = t;\nreturn r;'
                                % (pt, t, name, ', '.join(vals)))
                    else:
                        lines = ['%s r;' % tn, '%s o;' % ptn, '%s t;' % pt]
                        for i in range(n):
                            c = COMPONENTS[i]
                            lines.append('r.%s = __svm_%s(%s, &t);' % (
                                c, name, ', '.join(comp(v, n, i) for v in vals)))
                            lines.append('o.%s = t;' % c)
                        lines += ['*p = o;', 'return r;']
                        body = '\n'.join(lines)
                    out.fn(proto, body)


def gen_relaxed(out):
    """half_ and native_ variants: the precise functions."""
    for prefix in ('half_', 'native_'):
        for n in WIDTHS:
            tn = vt('float', n)
            for name in RELAXED_UNARY:
                out.fn('%s %s%s(%s x)' % (tn, prefix, name, tn), 'return %s(x);' % name,
                       'OVL CNST')
            out.fn('%s %spowr(%s x, %s y)' % (tn, prefix, tn, tn), 'return powr(x, y);',
                   'OVL CNST')
            out.fn('%s %sdivide(%s x, %s y)' % (tn, prefix, tn, tn), 'return x / y;',
                   'OVL CNST')
            out.fn('%s %srecip(%s x)' % (tn, prefix, tn), 'return 1.0f / x;', 'OVL CNST')


def generate():
    out = Out('math built-ins')
    gen_libm(out)
    gen_elementwise(out)
    gen_int_args(out)
    gen_pointer_fns(out)
    gen_relaxed(out)
    return {'g_math.cl': out.text()}
