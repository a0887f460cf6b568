#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks that svmgpu-builtins.bc defines every built-in that a kernel can call.

The list of built-ins is what clang's opencl-c.h declares for the CPU
device's configuration, read from clang's JSON AST dump with the mangled
name of every declaration, once for OpenCL C 3.0 (the device's features) and
once for OpenCL C 1.2 (named address spaces). What the device does not claim
(images, sub-groups, device enqueue, half arithmetic) is left out.

Then a program that calls each of them once is compiled the way kernels are
(clang's built-in declarations, not opencl-c.h), and every function it
references must be defined too: this checks that both agree on the names.

usage: coverage.py CLANG LLVM_NM BUILTINS_BC [--list] [-- KERNEL_CL_ARGS...]
KERNEL_CL_ARGS: the feature flags kernels are compiled with (meson's
svmgpu_builtins_cl_args); the defaults below otherwise.
exit 0: complete, 1: something missing."""
import json
import os
import subprocess
import sys
import tempfile

# The defaults of icd/builtins/meson.build's svmgpu_builtins_cl_args.
CL3_EXT = ('-all,+cl_khr_fp64,+__opencl_c_fp64,+__opencl_c_int64,'
           '+cl_khr_int64_base_atomics,+cl_khr_int64_extended_atomics,'
           '+cl_khr_global_int32_base_atomics,+cl_khr_global_int32_extended_atomics,'
           '+cl_khr_local_int32_base_atomics,+cl_khr_local_int32_extended_atomics,'
           '+cl_khr_byte_addressable_store,+__opencl_c_generic_address_space,'
           '+__opencl_c_atomic_order_acq_rel,+__opencl_c_atomic_order_seq_cst,'
           '+__opencl_c_atomic_scope_device,+__opencl_c_atomic_scope_all_devices,'
           '+__opencl_c_program_scope_global_variables,'
           '+__opencl_c_work_group_collective_functions')
# clang defines these "header-only" features only for SPIR targets.
CL3_DEFS = ['-D__opencl_c_atomic_scope_device=1', '-D__opencl_c_atomic_scope_all_devices=1',
            '-D__opencl_c_work_group_collective_functions=1']
CL12_EXT = ('-cl_khr_fp16,-cl_amd_media_ops,-cl_amd_media_ops2,-cl_khr_subgroups,'
            '-cl_khr_gl_msaa_sharing,-cl_khr_mipmap_image')

CONFIGS = {
    'CL3.0': ['-cl-std=CL3.0', '-Xclang', '-cl-ext=' + CL3_EXT] + CL3_DEFS,
    'CL1.2': ['-cl-std=CL1.2', '-Xclang', '-cl-ext=' + CL12_EXT],
}
# opencl-c.h declares image built-ins without a condition: the header only
# parses with images on (image built-ins are left out below).
HEADER_ARGS = ['-Xclang', '-cl-ext=+__opencl_c_images']

EXCLUDED_PREFIXES = (
    'read_image', 'write_image', 'get_image_', 'sub_group_', 'get_sub_group', 'intel_',
    'get_max_sub_group_size', 'get_num_sub_groups', 'get_enqueued_num_sub_groups',
    'ndrange_', 'enqueue_', 'get_kernel_', 'retain_event', 'release_event',
    'create_user_event', 'is_valid_event', 'set_user_event_status',
    'capture_event_profiling_info', 'get_default_queue',
)
HALF_OK = ('vload_half', 'vloada_half', 'vstore_half', 'vstorea_half')


def declared(clang, std):
    """(name, mangled name, type, parameter types) of every function
    opencl-c.h declares."""
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, 'empty.cl')
        with open(src, 'w') as f:
            f.write('\n')
        cmd = [clang, '-x', 'cl', '-cl-no-stdinc', '-Xclang', '-finclude-default-header',
               '-Xclang', '-ffake-address-space-map', '-target', 'x86_64-unknown-linux-gnu',
               '-fsyntax-only', '-Xclang', '-ast-dump=json'] + CONFIGS[std] + HEADER_ARGS + [src]
        out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE).stdout
    decls = []
    for n in json.loads(out)['inner']:
        if n.get('kind') == 'FunctionDecl' and 'mangledName' in n:
            params = [p['type']['qualType'] for p in n.get('inner', [])
                      if p.get('kind') == 'ParmVarDecl']
            decls.append((n['name'], n['mangledName'], n['type']['qualType'], params))
    return decls


def wanted(name, qtype):
    if name.startswith(EXCLUDED_PREFIXES):
        return False
    if 'half' in qtype and not name.startswith(HALF_OK):
        return False
    return True


def required(clang):
    """{mangled name: (name, type)} and, per configuration, the list of
    (mangled name, name, parameter types)."""
    req, per_std = {}, {}
    for std in CONFIGS:
        per_std[std] = []
        for name, mangled, qtype, params in declared(clang, std):
            if wanted(name, qtype):
                req[mangled] = (name, qtype)
                per_std[std].append((mangled, name, params))
    return req, per_std


def call_of(name, params):
    """A call with zero arguments of exactly the parameter types."""
    args = []
    for p in params:
        t = p[:-len('__private')].strip() if p.endswith('*__private') else p
        t = t.replace('__private ', '', 1) if t.startswith('__private ') else t
        args.append('(%s)0' % t)
    return '%s(%s);' % (name, ', '.join(args))


def referenced(clang, nm, std, decls):
    """The functions that calls of every required built-in reference when
    compiled like a kernel; built-ins that clang's own table lacks (a few
    that only opencl-c.h declares) are dropped after a first try."""
    calls = {m: call_of(name, params) for m, name, params in decls}
    with tempfile.TemporaryDirectory() as tmp:
        src, obj = os.path.join(tmp, 'calls.cl'), os.path.join(tmp, 'calls.bc')
        for attempt in range(2):
            order = sorted(calls)
            with open(src, 'w') as f:
                f.write('#pragma OPENCL EXTENSION cl_khr_fp16 : enable\n')
                f.write('kernel void calls(void)\n{\n')
                f.write(''.join('\t%s\n' % calls[m] for m in order))
                f.write('}\n')
            cmd = [clang, '-x', 'cl', '-Xclang', '-ffake-address-space-map', '-target',
                   'x86_64-unknown-linux-gnu', '-O0', '-emit-llvm', '-c', '-ferror-limit=0',
                   '-w', src, '-o', obj] + CONFIGS[std]
            r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            if r.returncode == 0:
                break
            bad = set()
            for line in r.stderr.splitlines():
                parts = line.split(':')
                if len(parts) > 3 and parts[0] == src and 'error' in parts[3]:
                    bad.add(int(parts[1]) - 3)
            if attempt or not bad:
                sys.stderr.write(r.stderr[-4000:])
                raise SystemExit('cannot compile the calls for %s' % std)
            print('%s: %d built-ins of opencl-c.h are not in clang\'s table'
                  % (std, len(bad)))
            for i in sorted(bad):
                del calls[order[i]]
        out = subprocess.run([nm, '--undefined-only', '--format=just-symbols', obj],
                             check=True, stdout=subprocess.PIPE, text=True).stdout
    return set(out.split())


def defined(nm, bc):
    out = subprocess.run([nm, '--defined-only', '--format=just-symbols', bc], check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    return set(out.split())


def main():
    if len(sys.argv) < 4:
        print(__doc__)
        return 2
    clang, nm, bc = sys.argv[1:4]
    if '--' in sys.argv:
        CONFIGS['CL3.0'] = ['-cl-std=CL3.0'] + sys.argv[sys.argv.index('--') + 1:]
    req, per_std = required(clang)
    have = defined(nm, bc)
    missing = sorted(m for m in req if m not in have)
    if '--list' in sys.argv:
        for m in sorted(req):
            print(m, req[m][1])
    by_name = {}
    for m in missing:
        by_name.setdefault(req[m][0], []).append(m)
    for name in sorted(by_name):
        print('missing %s: %d overloads, e.g. %s (%s)' %
              (name, len(by_name[name]), by_name[name][0], req[by_name[name][0]][1]))
    print('%d built-ins required, %d defined, %d missing' %
          (len(req), len(req) - len(missing), len(missing)))
    unresolved = set()
    for std in CONFIGS:
        refs = referenced(clang, nm, std, per_std[std])
        unresolved |= set(r for r in refs if r not in have)
        print('%s: calls reference %d functions' % (std, len(refs)))
    for r in sorted(unresolved):
        print('unresolved when called from a kernel: %s' % r)
    return 1 if missing or unresolved else 0


if __name__ == '__main__':
    sys.exit(main())
