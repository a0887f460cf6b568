# SPDX-License-Identifier: MIT
"""Atomic built-ins (g_atomic.cl): the OpenCL 1.x atomic_* and atom_*
functions and the C11-style atomics of OpenCL C 2.0+ with their orders and
scopes. They map to clang's __atomic / __opencl_atomic built-ins; every
scope is coherent on the CPU, so scopes only matter for work_item (a
compiler-only fence)."""
from genlib import Out

LEGACY_OPS = ('add', 'sub', 'xchg', 'inc', 'dec', 'cmpxchg', 'min', 'max', 'and', 'or', 'xor')
OBJ_AS = ('__generic', '__global', '__local')
C11_TYPES = ('int', 'uint', 'long', 'ulong', 'float', 'double')
C11_INT_TYPES = ('int', 'uint', 'long', 'ulong')
DEFAULT_ORDER = 'memory_order_seq_cst'
DEFAULT_SCOPE = 'memory_scope_device'


def legacy_body(op, t, asp):
    seq = '__ATOMIC_SEQ_CST'
    if op == 'xchg' and t == 'float':
        return ('return as_float(__atomic_exchange_n((volatile %s uint *)p, as_uint(v), %s));'
                % (asp, seq))
    if op == 'xchg':
        return 'return __atomic_exchange_n(p, v, %s);' % seq
    if op == 'inc':
        return 'return __atomic_fetch_add(p, (%s)1, %s);' % (t, seq)
    if op == 'dec':
        return 'return __atomic_fetch_sub(p, (%s)1, %s);' % (t, seq)
    if op == 'cmpxchg':
        return ('%s e = cmp;\n__atomic_compare_exchange_n(p, &e, v, 0, %s, %s);\nreturn e;'
                % (t, seq, seq))
    return 'return __atomic_fetch_%s(p, v, %s);' % (op, seq)


def gen_legacy(out):
    for prefix, types in (('atomic_', ('int', 'uint')),
                          ('atom_', ('int', 'uint', 'long', 'ulong'))):
        for op in LEGACY_OPS:
            tys = types + (('float',) if prefix == 'atomic_' and op == 'xchg' else ())
            for t in tys:
                for asp in ('__global', '__local'):
                    p = 'volatile %s %s *p' % (asp, t)
                    if op in ('inc', 'dec'):
                        proto = '%s %s%s(%s)' % (t, prefix, op, p)
                    elif op == 'cmpxchg':
                        proto = '%s %s%s(%s, %s cmp, %s v)' % (t, prefix, op, p, t, t)
                    else:
                        proto = '%s %s%s(%s, %s v)' % (t, prefix, op, p, t)
                    out.fn(proto, legacy_body(op, t, asp))


def variants(name, params, call, ret):
    """The plain, _explicit(order) and _explicit(order, scope) forms: params
    and call are lists, ret the return type; call uses ORDER and SCOPE."""
    forms = [(name, [], DEFAULT_ORDER, DEFAULT_SCOPE),
             (name + '_explicit', ['memory_order order'], 'order', DEFAULT_SCOPE),
             (name + '_explicit', ['memory_order order', 'memory_scope scope'], 'order', 'scope')]
    for fname, extra, order, scope in forms:
        body = call.replace('ORDER', order).replace('SCOPE', scope)
        yield '%s %s(%s)' % (ret, fname, ', '.join(params + extra)), body


def gen_c11(out):
    for asp in OBJ_AS:
        for t in C11_TYPES:
            obj = 'volatile %s atomic_%s *obj' % (asp, t)
            out.fn('void atomic_init(%s, %s v)' % (obj, t), '__opencl_atomic_init(obj, v);')
            for proto, body in variants('atomic_store', [obj, '%s v' % t],
                                        '__opencl_atomic_store(obj, v, ORDER, SCOPE);', 'void'):
                out.fn(proto, body)
            for proto, body in variants('atomic_load', [obj],
                                        'return __opencl_atomic_load(obj, ORDER, SCOPE);', t):
                out.fn(proto, body)
            for proto, body in variants('atomic_exchange', [obj, '%s v' % t],
                                        'return __opencl_atomic_exchange(obj, v, ORDER, SCOPE);',
                                        t):
                out.fn(proto, body)
            exp_as = ('__generic',) if asp == '__generic' else ('__global', '__local', '__private')
            for strength in ('strong', 'weak'):
                name = 'atomic_compare_exchange_' + strength
                for easp in exp_as:
                    params = [obj, '%s %s *expected' % (easp, t), '%s desired' % t]
                    forms = [(name, [], DEFAULT_ORDER, DEFAULT_ORDER, DEFAULT_SCOPE),
                             (name + '_explicit', ['memory_order success', 'memory_order failure'],
                              'success', 'failure', DEFAULT_SCOPE),
                             (name + '_explicit', ['memory_order success', 'memory_order failure',
                                                   'memory_scope scope'],
                              'success', 'failure', 'scope')]
                    for fname, extra, succ, fail, scope in forms:
                        # Through a private copy of *expected, written back on failure.
                        body = ('%s e = *expected;\n'
                                'bool ok = __opencl_atomic_compare_exchange_%s(obj, &e, desired, '
                                '%s, %s, %s);\n'
                                'if (!ok)\n\t*expected = e;\nreturn ok;'
                                % (t, strength, succ, fail, scope))
                        out.fn('bool %s(%s)' % (fname, ', '.join(params + extra)), body)
        fetch = [(op, t, t, t) for op in ('add', 'sub', 'or', 'xor', 'and', 'min', 'max')
                 for t in C11_INT_TYPES]
        fetch += [(op, 'uintptr_t', 'ptrdiff_t', 'uintptr_t') for op in ('add', 'sub')]
        if asp != '__generic':
            # opencl-c.h's named-address-space overloads add these.
            fetch += [(op, at, ot, at) for op in ('or', 'xor', 'and', 'min')
                      for at, ot in (('intptr_t', 'uintptr_t'), ('uintptr_t', 'intptr_t'))]
        for op, at, ot, rt in fetch:
            obj = 'volatile %s atomic_%s *obj' % (asp, at)
            for proto, body in variants('atomic_fetch_' + op, [obj, '%s v' % ot],
                                        'return __opencl_atomic_fetch_%s(obj, (%s)v, ORDER, '
                                        'SCOPE);' % (op, at), rt):
                out.fn(proto, body)
        obj = 'volatile %s atomic_flag *obj' % asp
        for proto, body in variants('atomic_flag_test_and_set', [obj],
                                    'return __opencl_atomic_exchange(obj, 1, ORDER, SCOPE) != 0;',
                                    'bool'):
            out.fn(proto, body)
        for proto, body in variants('atomic_flag_clear', [obj],
                                    '__opencl_atomic_store(obj, 0, ORDER, SCOPE);', 'void'):
            out.fn(proto, body)


def generate():
    out = Out('atomic built-ins')
    gen_legacy(out)
    gen_c11(out)
    return {'g_atomic.cl': out.text()}
