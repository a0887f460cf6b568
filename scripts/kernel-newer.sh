#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Headers of a kernel newer than Debian 12's 6.1, to build sgpu.ko against:
# the newest linux-headers-*-amd64 of Debian 12's backports suite, with its
# -common and linux-kbuild packages. They are downloaded and unpacked into
# $SVMGPU_KERNEL_CACHE_NEWER (default ~/.cache/svmgpu/kernel-newer) with a
# private apt configuration: the system's package sources and installed
# packages stay as they are. A complete unpack is reused.
#
#   scripts/kernel-newer.sh   print the headers' build directory (KDIR)
# Exit 1 (saying why) when the packages cannot be had, e.g. offline.
set -euo pipefail

cache=${SVMGPU_KERNEL_CACHE_NEWER:-$HOME/.cache/svmgpu/kernel-newer}
stamp=$cache/.svmgpu-complete
if [ -f "$stamp" ]; then
	cat "$stamp"
	exit 0
fi
mkdir -p "$cache/apt/lists/partial" "$cache/apt/cache/archives/partial" "$cache/apt/sources" \
	"$cache/debs"
. /etc/os-release
[ "${VERSION_CODENAME:-}" = bookworm ] || {
	echo "kernel-newer: Debian 12 (bookworm) expected, found ${VERSION_CODENAME:-unknown}" >&2
	exit 1
}
mirror=$(sed -n 's/^URIs: *\(http[^ ]*\/debian\)$/\1/p' /etc/apt/sources.list.d/debian.sources \
	2>/dev/null | head -n1)
mirror=${mirror:-$(sed -n 's/^deb \(http[^ ]*\/debian\) bookworm .*/\1/p' \
	/etc/apt/sources.list 2>/dev/null | head -n1)}
[ -n "$mirror" ] || { echo "kernel-newer: no Debian mirror in the apt sources" >&2; exit 1; }
cat >"$cache/apt/sources/backports.sources" <<EOS
Types: deb
URIs: $mirror
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOS
apt=(-o Dir::Etc::sourcelist=/dev/null -o Dir::Etc::sourceparts="$cache/apt/sources"
	-o Dir::State::Lists="$cache/apt/lists" -o Dir::Cache="$cache/apt/cache"
	-o APT::Sandbox::User=root -o Debug::NoLocking=1)
apt-get "${apt[@]}" -qq update >&2 || { echo "kernel-newer: cannot reach the backports suite" >&2; exit 1; }
pkg=$(apt-cache "${apt[@]}" search --names-only '^linux-headers-6\.[0-9.]+\+deb12-amd64$' |
	cut -d' ' -f1 | sort -V | tail -n1)
[ -n "$pkg" ] || { echo "kernel-newer: no newer linux-headers package" >&2; exit 1; }
ver=${pkg#linux-headers-}
ver=${ver%-amd64}
(cd "$cache/debs" && apt-get "${apt[@]}" -qq download "$pkg" "linux-headers-$ver-common" \
	"linux-kbuild-$ver") >&2 || { echo "kernel-newer: downloading $pkg failed" >&2; exit 1; }
rm -rf "$cache/root"
for deb in "$cache/debs/"*"$ver"*.deb; do
	dpkg-deb -x "$deb" "$cache/root"
done
kdir=$cache/root/usr/src/linux-headers-$ver-amd64
# The package's Makefile includes the -common tree by its installed path.
sed -i "s|/usr/src/|$cache/root/usr/src/|" "$kdir/Makefile"
echo "$kdir" >"$stamp"
echo "$kdir"
