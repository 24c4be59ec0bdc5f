#!/bin/sh
# Cairn setup: install what a fresh Debian 12 machine lacks to build, run and
# test Cairn. Idempotent: when everything is present it prints one line and
# returns at once. `make run`, `make test` and `make bench` call it.
#
#   qemu-system-x86            the emulated PC (TCG, -cpu EPYC for SVM + NPT)
#   python3                    tools/run.py and tools/bench.py
#   libcmocka-dev              host unit tests
#   gcc make binutils          the build
#   grub-pc-bin grub-common    grub-mkrescue, for the GRUB/multiboot2 boot test
#   xorriso mtools             ... which grub-mkrescue needs to write the ISO
#   grub-efi-amd64-bin         GRUB's UEFI modules: with them grub-mkrescue
#                              writes images that boot on UEFI PCs as well
#   ovmf                       UEFI firmware for QEMU (`firmware: uefi`)
#   bochs bochsbios vgabios    a second emulator (Intel VT-x, AMD SVM), for
#   bochs-term                 scenarios with `platform: bochs-*`; its term
#                              display runs under script(1) (bsdutils)
set -eu

PACKAGES="qemu-system-x86 python3 libcmocka-dev gcc make binutils clang libclang-rt-14-dev \
grub-pc-bin grub-common grub-efi-amd64-bin ovmf xorriso mtools bochs bochsbios vgabios bochs-term bsdutils"

missing=""
for pkg in $PACKAGES; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
	if [ "$status" != "installed" ]; then
		missing="$missing $pkg"
	fi
done
missing=${missing# }

if [ -z "$missing" ]; then
	echo "setup: all build and test packages present"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "setup: error: missing packages: $missing" >&2
	echo "setup: run 'sh tools/setup.sh' as root, or: apt-get install $missing" >&2
	exit 1
fi

echo "setup: installing: $missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# $missing is a space-separated list of package names: split it on purpose.
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
echo "setup: done"
