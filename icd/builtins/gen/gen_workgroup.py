# SPDX-License-Identifier: MIT
"""Work-group collective functions (g_workgroup.cl).

All work-items of a group run on one thread (as fibers), so the group
shares the thread-local scratch of workitem.c: slots [0, 1024) take each
work-item's input, slots [1024, 2048) the results. Every collective is
    write input; sync; work-item 0 computes the results; sync; read result
which needs no state that outlives the call (a crashed work-group leaves
nothing behind): the next collective's inputs may be written as soon as
the second sync returns, because work-item 0 has consumed them by then, and
its results are written only after every work-item has reached it, hence
read the previous ones."""
from genlib import Out

TYPES = ('int', 'uint', 'long', 'ulong', 'float', 'double')
MAX_ITEMS = 1024
IDENTITY = {
    'add': {t: '(%s)0' % t for t in TYPES},
    'min': {'int': 'INT_MAX', 'uint': 'UINT_MAX', 'long': 'LONG_MAX', 'ulong': 'ULONG_MAX',
            'float': 'INFINITY', 'double': '(double)INFINITY'},
    'max': {'int': 'INT_MIN', 'uint': '0U', 'long': 'LONG_MIN', 'ulong': '0UL',
            'float': '-INFINITY', 'double': '-(double)INFINITY'},
}
COMBINE = {'add': '%s + %s', 'min': 'min(%s, %s)', 'max': 'max(%s, %s)'}

PROLOGUE = '''// The work-group's shared scratch, its size and this work-item's index.
#define WG_BEGIN(T)                                                             \\
	__private ulong *wg_s = __svmgpu_wg_scratch();                          \\
	__private T *wg_in = (__private T *)wg_s;                               \\
	__private T *wg_out = (__private T *)(wg_s + %d);                      \\
	size_t wg_n = get_local_size(0) * get_local_size(1) * get_local_size(2); \\
	size_t wg_me = get_local_linear_id();                                   \\
	(void)wg_out;                                                           \\
	(void)wg_n
#define WG_SYNC() __svmgpu_wg_sync(CLK_LOCAL_MEM_FENCE)
''' % MAX_ITEMS


def collective(out, proto, t, compute, result):
    body = ('WG_BEGIN(%s);\n'
            'wg_in[wg_me] = x;\n'
            'WG_SYNC();\n'
            'if (wg_me == 0) {\n%s}\n'
            'WG_SYNC();\n'
            'return %s;' % (t, ''.join('\t' + l + '\n' for l in compute), result))
    out.fn(proto, body, 'OVL __attribute__((convergent))')


def generate():
    out = Out('work-group collective functions')
    out.add(PROLOGUE)
    for name, op in (('all', '&&'), ('any', '||')):
        collective(out, 'int work_group_%s(int x)' % name, 'int',
                   ['int acc = wg_in[0] != 0;',
                    'for (size_t i = 1; i < wg_n; i++)',
                    '\tacc = acc %s wg_in[i] != 0;' % op, 'wg_out[0] = acc;'], 'wg_out[0]')
    for t in TYPES:
        for op in ('add', 'min', 'max'):
            comb = COMBINE[op]
            collective(out, '%s work_group_reduce_%s(%s x)' % (t, op, t), t,
                       ['%s acc = wg_in[0];' % t,
                        'for (size_t i = 1; i < wg_n; i++)',
                        '\tacc = %s;' % (comb % ('acc', 'wg_in[i]')), 'wg_out[0] = acc;'],
                       'wg_out[0]')
            collective(out, '%s work_group_scan_inclusive_%s(%s x)' % (t, op, t), t,
                       ['%s acc = wg_in[0];' % t, 'wg_out[0] = acc;',
                        'for (size_t i = 1; i < wg_n; i++) {',
                        '\tacc = %s;' % (comb % ('acc', 'wg_in[i]')), '\twg_out[i] = acc;', '}'],
                       'wg_out[wg_me]')
            collective(out, '%s work_group_scan_exclusive_%s(%s x)' % (t, op, t), t,
                       ['%s acc = %s;' % (t, IDENTITY[op][t]),
                        'for (size_t i = 0; i < wg_n; i++) {', '\twg_out[i] = acc;',
                        '\tacc = %s;' % (comb % ('acc', 'wg_in[i]')), '}'],
                       'wg_out[wg_me]')
        # broadcast: the chosen work-item's value is read back between the
        # two syncs (no result slot to protect).
        for dims in (1, 2, 3):
            ids = ['size_t l%d' % d for d in range(dims)]
            lin = {1: 'l0', 2: 'l1 * get_local_size(0) + l0',
                   3: '(l2 * get_local_size(1) + l1) * get_local_size(0) + l0'}[dims]
            out.fn('%s work_group_broadcast(%s x, %s)' % (t, t, ', '.join(ids)),
                   'WG_BEGIN(%s);\n%s r;\n'
                   'if (wg_me == %s)\n\twg_in[0] = x;\n'
                   'WG_SYNC();\nr = wg_in[0];\nWG_SYNC();\nreturn r;' % (t, t, lin),
                   'OVL __attribute__((convergent))')
    return {'g_workgroup.cl': out.text()}
