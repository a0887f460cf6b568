#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The kernel suite: builds sgpu.ko against Debian's installed kernel, builds
# the statically linked tests (sgpu-tests: the module's; libsvm-tests and
# svm-stat: libdrm_svm's), packs them with busybox into an initramfs,
# boots that kernel in QEMU and checks the per-test results and the kernel
# log (any WARN, BUG, oops, lockup... fails the run).
#
#   tests/kernel/run.sh [--work DIR] [--build MESON-BUILD-DIR] [--filter NAME]
#
# Boots:
#   debian   Debian's kernel, 64 MiB of device-coherent VRAM (memmap=), then
#            the module reloaded without VRAM for the validation tests;
#   private  a small 6.1 with CONFIG_DEVICE_PRIVATE, lockdep and DEBUG_VM
#            (scripts/kernel-private.sh), 64 MiB of device-private VRAM:
#            when that kernel is already built, or always with
#            SVMGPU_KERNEL_PRIVATE=1 (which builds it, 4-8 minutes, once).
#            SVMGPU_KERNEL_PRIVATE=0 never boots it.
# and builds the module (not booted) against a newer kernel's headers:
#   newer    Debian 12's backported headers (scripts/kernel-newer.sh), when
#            they can be downloaded; SVMGPU_KERNEL_NEWER=0 leaves it out.
# DIR (default: build/kernel-test) holds the builds, the initramfs and the
# logs: console-<boot>.txt (the whole serial console), results.txt.
# Exit: 0 all passed, 1 a failure, 77 (meson's skip) when the packages are
# missing and cannot be installed.
set -euo pipefail

src=$(cd "$(dirname "$0")/../.." && pwd)
work=$src/build/kernel-test
build=$src/build
filter=
while [ $# -gt 0 ]; do
	case $1 in
	--work) work=$2; shift 2 ;;
	--build) build=$2; shift 2 ;;
	--filter) filter=$2; shift 2 ;;
	*) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done
mkdir -p "$work"
work=$(cd "$work" && pwd)
t_start=$(date +%s.%N)
elapsed() { printf '%.1f' "$(echo "$(date +%s.%N) - $t_start" | bc)"; }
log() { echo "kernel-test: $*"; }

# Packages (Debian 12): the kernel, its headers, QEMU, busybox.
if ! bash "$src/scripts/install-deps.sh" kernel; then
	log "SKIP: the kernel test packages are missing and could not be installed"
	exit 77
fi

# Debian's kernel: the newest installed, from /lib/modules (the running
# kernel is another one and loads no modules).
kver=
for d in /lib/modules/*-amd64; do
	v=${d##*/}
	[ -f "/boot/vmlinuz-$v" ] && [ -d "$d/build" ] && kver=$v
done
if [ -z "$kver" ]; then
	log "SKIP: no /boot/vmlinuz-*-amd64 with headers in /lib/modules"
	exit 77
fi

# build_module NAME KDIR: sgpu.ko in $work/drm-NAME (a copy: the source
# tree stays clean); any compiler warning is an error.
build_module() {
	local name=$1 kdir=$2 dir=$work/drm-$1
	shift 2
	rm -rf "$dir"
	mkdir -p "$dir"
	cp -r "$src/drm/." "$dir/"
	find "$dir" \( -name '*.o' -o -name '*.ko' -o -name '.*.cmd' \) -delete
	if ! make -s -C "$kdir" M="$dir" -j"$(nproc)" "$@" modules \
		>"$work/module-build-$name.log" 2>&1; then
		cat "$work/module-build-$name.log"
		log "FAIL: module build ($name)"
		return 1
	fi
	if grep -E 'warning:|error:' "$work/module-build-$name.log"; then
		log "FAIL: the module build has warnings ($name)"
		return 1
	fi
}

# The tests, statically linked (one binary for both kernels).
cflags=(-O2 -g -Wall -Wextra -Werror -std=gnu11 -pthread -static
	-I"$src/drm/include/uapi" -I/usr/include/libdrm)
if ! gcc "${cflags[@]}" -o "$work/sgpu-tests" "$src"/tests/kernel/sgpu_lib.c \
	"$src"/tests/kernel/guest_runner.c "$src"/tests/kernel/t_*.c \
	>"$work/tests-build.log" 2>&1; then
	cat "$work/tests-build.log"
	log "FAIL: test build"
	exit 1
fi
# libdrm_svm's tests against the module, and svm-stat (which they run): the
# library's sources compiled in, libdrm.a from libdrm-dev.
libsvm_cflags=("${cflags[@]}" -I"$src/libsvm/include" -I"$src/libsvm/src")
for prog in "libsvm-tests:tests/kernel/libsvm_tests.c tests/kernel/guest_runner.c" \
	svm-stat:libsvm/tools/svm-stat.c; do
	srcs=()
	for f in ${prog#*:}; do srcs+=("$src/$f"); done
	if ! gcc "${libsvm_cflags[@]}" -o "$work/${prog%%:*}" "$src"/libsvm/src/*.c \
		"${srcs[@]}" -ldrm >>"$work/tests-build.log" 2>&1; then
		cat "$work/tests-build.log"
		log "FAIL: test build (${prog%%:*})"
		exit 1
	fi
done

# The OpenCL sgpu device through the real ICD loader: a dynamically linked
# guest program, the runtime and libdrm_svm from the meson build, and every
# shared library they need from this system (the guest runs Debian's kernel
# and userspace libraries alike).
icd_test=
if [ -f "$build/icd/libSvmgpuOpenCL.so.0" ] && [ -f "$build/libsvm/libdrm_svm.so.1" ]; then
	if gcc -O2 -g -Wall -Wextra -Werror -std=gnu11 -o "$work/icd-sgpu-test" \
		"$src/tests/kernel/icd_sgpu_test.c" -lOpenCL >>"$work/tests-build.log" 2>&1; then
		icd_test=$work/icd-sgpu-test
	else
		cat "$work/tests-build.log"
		log "FAIL: test build (icd-sgpu-test)"
		exit 1
	fi
else
	log "no OpenCL runtime in $build: the ICD guest test is not run"
fi

# copy_icd ROOT: the guest program, the runtime, its vendor file, and the
# shared libraries of all three.
copy_icd() {
	local root=$1 f lib
	mkdir -p "$root/lib/svmgpu" "$root/etc/OpenCL/vendors" "$root/lib64" \
		"$root/lib/x86_64-linux-gnu"
	cp "$icd_test" "$root/bin/icd-sgpu-test"
	cp -L "$build/icd/libSvmgpuOpenCL.so.0" "$build/libsvm/libdrm_svm.so.1" "$root/lib/svmgpu/"
	echo /lib/svmgpu/libSvmgpuOpenCL.so.0 >"$root/etc/OpenCL/vendors/svmgpu.icd"
	for f in "$icd_test" "$build/icd/libSvmgpuOpenCL.so.0" "$build/libsvm/libdrm_svm.so.1"; do
		for lib in $(ldd "$f" | grep -o '/[^ ]*'); do
			case $lib in
			*/ld-linux-x86-64.so.2) cp -L "$lib" "$root/lib64/" ;;
			"$build"/*) ;;
			*) cp -L "$lib" "$root/lib/x86_64-linux-gnu/" ;;
			esac
		done
	done
}

# make_initramfs NAME MODPARAMS [MODULE.ko...]: busybox, the tests, the
# modules to load first (in order) and sgpu.ko, loaded with MODPARAMS.
make_initramfs() {
	local name=$1 params=$2 root=$work/initramfs-$1 m
	shift 2
	rm -rf "$root"
	mkdir -p "$root"/{bin,dev,proc,sys,tmp,lib/modules}
	cp /bin/busybox "$root/bin/busybox"
	cp "$work/sgpu-tests" "$root/bin/sgpu-tests"
	cp "$work/libsvm-tests" "$root/bin/libsvm-tests"
	cp "$work/svm-stat" "$root/bin/svm-stat"
	: >"$root/lib/modules/load"
	for m in "$@"; do
		cp "$m" "$root/lib/modules/"
		basename "$m" >>"$root/lib/modules/load"
	done
	cp "$work/drm-$name/sgpu.ko" "$root/lib/modules/sgpu.ko"
	[ -z "$icd_test" ] || copy_icd "$root"
	cat >"$root/init" <<EOF
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
echo "SGPU-BOOTED \$(cut -d' ' -f1 /proc/uptime)"
ok=1
for m in \$(cat /lib/modules/load); do
	insmod /lib/modules/\$m || { echo "SGPU-INSMOD-FAILED \$m"; ok=0; }
done
export SGPU_TEST_PREFIX=$name/
if [ \$ok = 1 ] && insmod /lib/modules/sgpu.ko $params; then
	SGPU_EXPECT_VRAM=1 /bin/sgpu-tests $filter
	echo "SGPU-EXIT \$?"
	SGPU_EXPECT_VRAM=1 /bin/libsvm-tests $filter
	echo "SGPU-EXIT \$?"
	if [ -x /bin/icd-sgpu-test ]; then
		LD_LIBRARY_PATH=/lib/svmgpu:/lib/x86_64-linux-gnu /bin/icd-sgpu-test
		echo "SGPU-EXIT \$?"
	fi
	# Unloading moves what processes still have in VRAM back to RAM.
	/bin/sgpu-tests --hold-vram &
	hold=\$!
	while [ ! -e /tmp/hold-ready ]; do sleep 0.1; done
	rmmod sgpu || echo "SGPU-RMMOD-FAILED"
	touch /tmp/hold-go
	wait \$hold
	# Without VRAM: no migration, SVM_BIND answers -EOPNOTSUPP.
	if insmod /lib/modules/sgpu.ko; then
		SGPU_TEST_PREFIX=$name/novram/ /bin/sgpu-tests info rules
		echo "SGPU-EXIT \$?"
		SGPU_TEST_PREFIX=$name/novram/ /bin/libsvm-tests caps init_window migrate svm_stat
		echo "SGPU-EXIT \$?"
		rmmod sgpu || echo "SGPU-RMMOD-FAILED"
	else
		echo "SGPU-INSMOD-FAILED sgpu.ko"
	fi
else
	echo "SGPU-INSMOD-FAILED sgpu.ko"
fi
echo "SGPU-DMESG-BEGIN"
dmesg
echo "SGPU-DMESG-END"
echo "SGPU-DONE \$(cut -d' ' -f1 /proc/uptime)"
reboot -f
EOF
	chmod +x "$root/init"
	(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) \
		>"$work/initramfs-$name.cpio.gz"
}

# KVM only where the CPU has vmx/svm (this machines' /dev/kvm cannot run a
# stock kernel), TCG otherwise.
accel=(-accel tcg,thread=multi -cpu max)
if grep -qE '\b(vmx|svm)\b' /proc/cpuinfo && [ -w /dev/kvm ]; then
	accel=(-accel kvm -cpu host)
fi

# boot NAME KERNEL APPEND: the guest's console in console-NAME.txt.
boot() {
	local name=$1 kernel=$2 append=$3 rc=0
	log "booting $name ($([ "${accel[1]}" = kvm ] && echo KVM || echo TCG)) at $(elapsed)s"
	timeout 300 qemu-system-x86_64 "${accel[@]}" -m 1024 -smp 2 -nographic \
		-no-reboot -nodefaults -serial stdio -display none \
		-kernel "$kernel" -initrd "$work/initramfs-$name.cpio.gz" \
		-append "console=ttyS0 loglevel=5 panic=-1 $append" \
		</dev/null >"$work/console-$name.log" 2>&1 || rc=$?
	tr -d '\r' <"$work/console-$name.log" >"$work/console-$name.txt"
	log "$name: QEMU exited ($rc) at $(elapsed)s"
}

# check NAME: 0 when the boot's tests passed and its kernel log is clean.
bad='(WARNING:|BUG:|Oops|general protection|Kernel panic|KASAN|UBSAN|kernel BUG|Call Trace|list_(add|del) corruption|refcount_t:|INFO: task .* blocked|soft lockup|hard LOCKUP|RCU stall|possible (circular|recursive) locking|inconsistent lock state|sleeping function called from invalid context|bad page state|sgpu.*(leak|error))'
check() {
	local name=$1 c=$work/console-$1.txt fail=0 npass nfail nskip
	grep -E '^SGPU-(TEST|FIGURE)' "$c" >>"$work/results.txt" || true
	grep -E '^(SGPU-(TEST|FIGURE|BOOTED|DONE|EXIT)|    )' "$c" || true
	if ! grep -q '^SGPU-DONE' "$c"; then
		log "FAIL: $name: the guest did not finish (see $c)"
		tail -n 40 "$c"
		fail=1
	fi
	if grep -q '^SGPU-INSMOD-FAILED' "$c"; then log "FAIL: $name: insmod"; fail=1; fi
	if grep -q '^SGPU-RMMOD-FAILED' "$c"; then log "FAIL: $name: rmmod"; fail=1; fi
	npass=$(grep -c '^SGPU-TEST PASS' "$c" || true)
	nfail=$(grep -c '^SGPU-TEST FAIL' "$c" || true)
	nskip=$(grep -c '^SGPU-TEST SKIP' "$c" || true)
	[ "$nfail" -eq 0 ] || fail=1
	[ "$npass" -gt 0 ] || fail=1
	# Every guest program ran to its end and passed: at least sgpu-tests and
	# libsvm-tests, with VRAM and without (4); a program added to the init
	# script adds its own SGPU-EXIT line.
	nexit=$(grep -c '^SGPU-EXIT ' "$c" || true)
	[ "$nexit" -ge 4 ] || fail=1
	[ "$(grep -cE '^SGPU-EXIT 0([^0-9]|$)' "$c" || true)" -eq "$nexit" ] || fail=1
	if grep -Eq "$bad" "$c"; then
		log "FAIL: $name: the kernel log has warnings or errors:"
		grep -E -B2 -A14 "$bad" "$c" | head -n 80
		fail=1
	fi
	log "$name: $npass passed, $nfail failed, $nskip skipped"
	return $fail
}

: >"$work/results.txt"
status=0

# 1. Debian's kernel: device-coherent VRAM, 64 MiB of guest RAM kept from
# the kernel at boot (memmap=). drm.ko and what it needs come first.
log "debian: kernel $kver"
if build_module debian "/lib/modules/$kver/build"; then
	mods=()
	add_mod() { # path relative to /lib/modules/$kver, dependencies first
		local m=$1 dep x
		for x in "${mods[@]}"; do [ "$x" = "$m" ] && return 0; done
		for dep in $(grep "^$m:" "/lib/modules/$kver/modules.dep" | cut -d: -f2); do
			add_mod "$dep"
		done
		mods+=("$m")
	}
	add_mod "$(grep -o '^[^:]*/drm\.ko[^:]*' "/lib/modules/$kver/modules.dep" | head -n1)"
	files=()
	mkdir -p "$work/mods"
	for m in "${mods[@]}"; do
		b=$(basename "$m")
		case $b in
		*.xz) xz -dc "/lib/modules/$kver/$m" >"$work/mods/${b%.xz}"; b=${b%.xz} ;;
		*.zst) zstd -qdc "/lib/modules/$kver/$m" >"$work/mods/${b%.zst}"; b=${b%.zst} ;;
		*) cp "/lib/modules/$kver/$m" "$work/mods/$b" ;;
		esac
		files+=("$work/mods/$b")
	done
	make_initramfs debian "vram_base=0x20000000 vram_size=0x4000000" "${files[@]}"
	boot debian "/boot/vmlinuz-$kver" \
		'transparent_hugepage=always memmap=64M$0x20000000'
	check debian || status=1
else
	status=1
fi

# 2. The DEVICE_PRIVATE kernel, when built (or asked for).
pkdir=
case ${SVMGPU_KERNEL_PRIVATE:-auto} in
0) ;;
1) pkdir=$(bash "$src/scripts/kernel-private.sh") || { log "FAIL: building the DEVICE_PRIVATE kernel"; status=1; } ;;
*) pkdir=$(bash "$src/scripts/kernel-private.sh" --check) ||
	log "private: no DEVICE_PRIVATE kernel built (scripts/kernel-private.sh, or SVMGPU_KERNEL_PRIVATE=1): not booted" ;;
esac
if [ -n "$pkdir" ]; then
	if build_module private "$pkdir"; then
		make_initramfs private "vram_size=0x4000000"
		boot private "$pkdir/arch/x86/boot/bzImage" 'transparent_hugepage=always'
		check private || status=1
	else
		status=1
	fi
fi

# 3. A newer kernel (Debian 12's backported headers, scripts/kernel-newer.sh):
# the module builds there too, without warnings. Not booted: the backported
# kernels lack DEVICE_PRIVATE as well, and 6.1 covers the device-coherent path.
# No BTF: that needs pahole, which building for the tests does not.
if [ "${SVMGPU_KERNEL_NEWER:-1}" != 0 ]; then
	if kdir=$(bash "$src/scripts/kernel-newer.sh" 2>"$work/kernel-newer.log"); then
		if build_module newer "$kdir" CONFIG_DEBUG_INFO_BTF_MODULES=; then
			echo "SGPU-TEST PASS newer/module_build ($(basename "$kdir"))" >>"$work/results.txt"
			log "newer: sgpu.ko builds against $(basename "$kdir")"
		else
			echo "SGPU-TEST FAIL newer/module_build ($(basename "$kdir"))" >>"$work/results.txt"
			status=1
		fi
	else
		log "newer: no newer kernel headers ($(tail -n1 "$work/kernel-newer.log")): not built"
	fi
fi

log "$(grep -c '^SGPU-TEST PASS' "$work/results.txt" || true) passed, $(grep -c '^SGPU-TEST FAIL' "$work/results.txt" || true) failed in all; $(elapsed)s"
exit $status
