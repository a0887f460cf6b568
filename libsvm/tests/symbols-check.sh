#!/bin/sh
# SPDX-License-Identifier: MIT
# The symbols libdrm_svm.so exports must be exactly those of drm_svm.sym
# (as libdrm's amdgpu-symbols-check): a new export is an ABI decision.
#   symbols-check.sh LIBRARY SYMBOL-LIST
set -eu
lib=$1 list=$2
nm=${NM:-nm}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Defined dynamic symbols, less those every shared object (or a sanitizer
# build) has.
"$nm" -D --defined-only "$lib" | awk '{ print $NF }' |
	grep -vxE '_init|_fini|_edata|_end|__bss_start|__odr_asan.*|_ITM_.*|__gmon_start__' |
	LC_ALL=C sort -u >"$tmp/exported"
grep -vE '^(#|$)' "$list" | LC_ALL=C sort -u >"$tmp/listed"
if ! diff "$tmp/exported" "$tmp/listed" >"$tmp/diff"; then
	echo "symbols-check: $lib exports differ from $list (< exported, > listed):"
	cat "$tmp/diff"
	exit 1
fi
echo "symbols-check: $(wc -l <"$tmp/listed") symbols, as listed"
