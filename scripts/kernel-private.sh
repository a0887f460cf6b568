#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Builds (once) a small Linux 6.1 with CONFIG_DEVICE_PRIVATE from Debian's
# linux-source-6.1, for the kernel suite's second boot: Debian's own kernels
# lack DEVICE_PRIVATE, so sgpu's device-private VRAM is tested only there.
# The tree lives outside the checkout, in $SVMGPU_KERNEL_CACHE (default
# ~/.cache/svmgpu/kernel-6.1-private); a complete build is reused.
#
#   scripts/kernel-private.sh          build if missing, print the build dir
#   scripts/kernel-private.sh --check  print it if built, else exit 1
#
# The configuration: tinyconfig, 64-bit, SMP, serial console, initramfs,
# devtmpfs, modules, memory hotplug, ZONE_DEVICE, DEVICE_PRIVATE,
# MIGRATION, THP, DRM; HMM_MIRROR and MMU_NOTIFIER have no prompt and come
# with TEST_HMM=m; lockdep and DEBUG_VM to catch what Debian's kernel would
# not report. About 4-8 minutes on 2 cores.
set -euo pipefail

cache=${SVMGPU_KERNEL_CACHE:-$HOME/.cache/svmgpu/kernel-6.1-private}
stamp=$cache/build/.svmgpu-complete
if [ "${1:-}" = --check ]; then
	[ -f "$stamp" ] && { echo "$cache/build"; exit 0; }
	exit 1
fi
[ -f "$stamp" ] && { echo "$cache/build"; exit 0; }

# One build at a time: a second caller (the kernel suite while run-tests.sh
# builds in the background) waits for the first and finds its stamp.
mkdir -p "$cache"
exec 9>"$cache.lock"
flock 9
[ -f "$stamp" ] && { echo "$cache/build"; exit 0; }

src=$(cd "$(dirname "$0")/.." && pwd)
bash "$src/scripts/install-deps.sh" kernel-private >&2
tarball=$(ls /usr/src/linux-source-6.1.tar.* | head -n1)
mkdir -p "$cache"
if [ ! -f "$cache/linux-source-6.1/Makefile" ]; then
	echo "kernel-private: unpacking $tarball" >&2
	tar -C "$cache" -xaf "$tarball"
fi
ksrc=$cache/linux-source-6.1
out=$cache/build
mkdir -p "$out"
make -s -C "$ksrc" O="$out" tinyconfig >&2
cfg=("$ksrc/scripts/config" --file "$out/.config")
"${cfg[@]}" -e 64BIT -e SMP -e PRINTK -e PRINTK_TIME -e TTY -e SERIAL_8250 \
	-e SERIAL_8250_CONSOLE -e BLK_DEV_INITRD -e RD_GZIP -e DEVTMPFS \
	-e BINFMT_ELF -e BINFMT_SCRIPT -e PROC_FS -e SYSFS -e MULTIUSER \
	-e FUTEX -e SHMEM -e TMPFS -e ADVISE_SYSCALLS -e POSIX_TIMERS \
	-e FILE_LOCKING -e KALLSYMS -e MODULES -e MODULE_UNLOAD \
	-e SPARSEMEM_VMEMMAP -e MEMORY_HOTPLUG -e MEMORY_HOTREMOVE \
	-e ZONE_DEVICE -e DEVICE_PRIVATE -e MIGRATION -e TRANSPARENT_HUGEPAGE \
	-e USERFAULTFD -e RUNTIME_TESTING_MENU -m TEST_HMM -e DRM \
	-e DEBUG_KERNEL -e PROVE_LOCKING -e DEBUG_ATOMIC_SLEEP -e DEBUG_VM \
	-e DEBUG_LIST -e BUG
make -s -C "$ksrc" O="$out" olddefconfig >&2
for opt in DEVICE_PRIVATE HMM_MIRROR MMU_NOTIFIER ZONE_DEVICE DRM MODULES; do
	grep -q "^CONFIG_$opt=y" "$out/.config" || {
		echo "kernel-private: CONFIG_$opt did not stick" >&2
		exit 1
	}
done
echo "kernel-private: building in $out" >&2
nice -n 10 make -s -C "$ksrc" O="$out" -j"$(nproc)" bzImage modules >&2
touch "$stamp"
echo "$out"
