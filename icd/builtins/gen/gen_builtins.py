#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Generates the mechanical part of svmgpu's OpenCL C built-in library:
vector variants, address-space overloads, conversions, atomics, vector
loads and stores, relational and integer functions, work-group functions.

usage: gen_builtins.py OUTDIR [FILE...]
Writes every file (or the named ones) into OUTDIR; each is rewritten only
when its content changes. --list prints the names of the files."""
import os
import sys

# No __pycache__ in the source tree when meson runs this.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import gen_math  # noqa: E402
import gen_integer  # noqa: E402
import gen_common  # noqa: E402
import gen_memory  # noqa: E402
import gen_atomic  # noqa: E402
import gen_workgroup  # noqa: E402
import gen_convert  # noqa: E402

MODULES = (gen_math, gen_integer, gen_common, gen_memory, gen_atomic, gen_workgroup,
           gen_convert)


def file_names():
    names = []
    for m in MODULES:
        names += m.FILES if hasattr(m, 'FILES') else list(m.generate())
    return names


def main(argv):
    if len(argv) > 1 and argv[1] == '--list':
        print('\n'.join(file_names()))
        return 0
    if len(argv) < 2:
        print(__doc__)
        return 2
    outdir, only = argv[1], set(os.path.basename(f) for f in argv[2:])
    os.makedirs(outdir, exist_ok=True)
    for m in MODULES:
        for name, text in m.generate().items():
            if only and name not in only:
                continue
            path = os.path.join(outdir, name)
            try:
                with open(path) as f:
                    if f.read() == text:
                        continue
            except OSError:
                pass
            with open(path, 'w') as f:
                f.write(text)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
