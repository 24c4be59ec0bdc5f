#!/bin/sh
# Build the Linux guest from Debian's packages: the unmodified kernel of
# linux-image-amd64 (or another flavour), an initramfs of busybox-static
# with the kernel's virtio modules, guests/linux/init and cairn-irqoff (a
# small program built here, for the isolation tests), and a disk image
# for the guest's virtio block device with its expected checksum.
#
#   tools/linux-guest.sh OUTDIR [FLAVOUR]
#
# FLAVOUR: amd64 (default) or rt-amd64 (the PREEMPT_RT kernel, and
# cyclictest from rt-tests with the libraries it needs: libc6, libnuma1).
# Writes OUTDIR/vmlinuz,
# OUTDIR/initrd (gzip'd cpio), OUTDIR/disk (1 MiB, deterministic
# pseudo-random bytes) and OUTDIR/expect (lines the guest must print).
# The packages are fetched once into OUTDIR/debs (root: apt-get download;
# needs the Debian archive).
set -eu

out=${1:?usage: linux-guest.sh OUTDIR [FLAVOUR]}
flavour=${2:-amd64}
here=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out/debs"
out=$(cd "$out" && pwd)

# The real package behind the meta package linux-image-$flavour.
kernel_pkg() {
	apt-cache depends "linux-image-$flavour" 2>/dev/null |
		awk '/Depends: linux-image-[0-9]/ { print $2; exit }'
}

pkg=$(kernel_pkg)
if [ -z "$pkg" ]; then
	echo "linux-guest: refreshing the package lists"
	apt-get update -q >/dev/null
	pkg=$(kernel_pkg)
fi
[ -n "$pkg" ] || { echo "linux-guest: error: no linux-image-$flavour package" >&2; exit 1; }

extra=""
[ "$flavour" = rt-amd64 ] && extra="rt-tests libnuma1 libc6"

cd "$out/debs"
for p in "$pkg" busybox-static $extra; do
	if ! ls "${p}"_*.deb >/dev/null 2>&1; then
		echo "linux-guest: downloading $p"
		apt-get download -qq "$p" >/dev/null 2>&1 || true
		ls "${p}"_*.deb >/dev/null 2>&1 || { echo "linux-guest: error: cannot download $p" >&2; exit 1; }
	fi
done

rm -rf "$out/x"
mkdir -p "$out/x/k" "$out/x/bb" "$out/x/rt"
dpkg-deb -x "$(ls "${pkg}"_*.deb | head -n 1)" "$out/x/k"
dpkg-deb -x "$(ls busybox-static_*.deb | head -n 1)" "$out/x/bb"
for p in $extra; do
	dpkg-deb -x "$(ls "${p}"_*.deb | head -n 1)" "$out/x/rt"
done
cp "$(ls "$out"/x/k/boot/vmlinuz-* | head -n 1)" "$out/vmlinuz.tmp"
mv "$out/vmlinuz.tmp" "$out/vmlinuz"
moddir=$(ls -d "$out"/x/k/lib/modules/* | head -n 1)

# cairn-irqoff (guests/linux/irqoff.c), for /init's attack "irqoff" (the
# isolation tests): ring-0 code spinning with interrupts off, reached by
# kexec. Freestanding, built by the host's compiler.
${CC:-cc} -Os -static -nostdlib -ffreestanding -fno-pie -no-pie -fno-stack-protector \
	-fno-asynchronous-unwind-tables -Wl,--build-id=none -s -o "$out/x/cairn-irqoff" "$here/guests/linux/irqoff.c"

spec="$out/x/initrd.spec"
{
	for d in bin dev proc sys tmp lib lib/modules; do echo "dir /$d 755"; done
	echo "nod /dev/console 600 c 5 1"
	echo "nod /dev/null 666 c 1 3"
	echo "file /bin/busybox 755 $out/x/bb/bin/busybox"
	echo "slink /bin/sh busybox"
	echo "file /init 755 $here/guests/linux/init"
	echo "file /bin/cairn-irqoff 755 $out/x/cairn-irqoff"
	if [ -n "$extra" ]; then
		# cyclictest and the shared objects it loads, by their real names
		echo "dir /usr 755"
		echo "dir /usr/bin 755"
		echo "dir /lib64 755"
		echo "dir /lib/x86_64-linux-gnu 755"
		echo "file /usr/bin/cyclictest 755 $out/x/rt/usr/bin/cyclictest"
		echo "file /lib64/ld-linux-x86-64.so.2 755 $(readlink -f "$out/x/rt/lib64/ld-linux-x86-64.so.2")"
		for l in libc.so.6 libm.so.6 librt.so.1 libpthread.so.0 libnuma.so.1; do
			f=$(find "$out/x/rt" -name "$l" | head -n 1)
			[ -n "$f" ] || { echo "linux-guest: error: $l not in $extra" >&2; exit 1; }
			echo "file /lib/x86_64-linux-gnu/$l 755 $(readlink -f "$f")"
		done
	fi
	for m in virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio_blk virtio_console; do
		f=$(find "$moddir" -name "$m.ko" | head -n 1)
		[ -n "$f" ] || { echo "linux-guest: error: module $m not in $pkg" >&2; exit 1; }
		echo "file /lib/modules/$m.ko 644 $f"
	done
} >"$spec"
python3 "$here/tools/mkcpio.py" "$out/initrd" "$spec"

# The disk: 2048 sectors of a fixed pseudo-random sequence; its checksum
# computed here is what the guest must find on its virtio disk.
python3 - "$out/disk" <<'PY'
import sys
x, data = 0x2545F491, bytearray()
for _ in range(1 << 18):
    x = (x * 1103515245 + 12345) & 0xffffffff
    data += x.to_bytes(4, "little")
open(sys.argv[1], "wb").write(data)
PY
sum=$(sha256sum "$out/disk" | cut -d' ' -f1)
{
	echo "guest: cairn-init: disk sha256 $sum, 2048 sectors"
} >"$out/expect"
rm -rf "$out/x"
echo "linux-guest: $pkg, initrd $(wc -c <"$out/initrd") bytes, disk sha256 $sum"
