#!/bin/sh
# Builds what the Linux guest test needs from the Debian cloud kernel
# (linux-image-cloud-amd64, installed by tools/deps.sh --bench; never
# committed) and busybox-static:
#   OUT/root/boot/vmlinuz            the kernel
#   OUT/root/boot/guest-initrd.cpio  busybox, /init (tools/linux-guest/init),
#                                    the virtio modules, /sbin/hv-poweroff
#   OUT/root/boot/guest-disk.img     a raw 64 KiB disk whose first sector
#                                    holds a known line of text
# OUT/root is meant to be added to MACROHARD's initramfs.
#   mk-linux-guest.sh OUT        exit status 3 (and a message) if no kernel
set -eu
out=$1
here=$(cd "$(dirname "$0")" && pwd)
busybox=${BUSYBOX:-/bin/busybox}
kernel=$(ls /boot/vmlinuz-*-cloud-amd64 2>/dev/null | sort -V | tail -n 1)
if [ -z "$kernel" ]; then
	echo "mk-linux-guest: no /boot/vmlinuz-*-cloud-amd64 (tools/deps.sh --bench installs it)" >&2
	exit 3
fi
version=${kernel#/boot/vmlinuz-}
mods=/lib/modules/$version/kernel/drivers
rm -rf "$out"
mkdir -p "$out/root/boot" "$out/initrd/bin" "$out/initrd/sbin" "$out/initrd/lib/modules" \
	"$out/initrd/proc" "$out/initrd/sys" "$out/initrd/dev"
cp "$kernel" "$out/root/boot/vmlinuz"
cp "$busybox" "$out/initrd/bin/busybox"
for applet in sh mount cut insmod sleep dd tr echo poweroff cat; do
	ln -sf busybox "$out/initrd/bin/$applet"
done
ln -sf ../bin/busybox "$out/initrd/sbin/poweroff"
for m in virtio/virtio_ring virtio/virtio virtio/virtio_pci_modern_dev virtio/virtio_pci_legacy_dev \
	virtio/virtio_pci block/virtio_blk; do
	f=$(ls "$mods/$m.ko"* 2>/dev/null | head -n 1)
	[ -n "$f" ] || { echo "mk-linux-guest: $mods/$m.ko missing" >&2; exit 1; }
	case $f in
	*.ko) cp "$f" "$out/initrd/lib/modules/" ;;
	*.ko.xz) xz -dc "$f" > "$out/initrd/lib/modules/$(basename "$m").ko" ;;
	*.ko.zst) zstd -qdc "$f" > "$out/initrd/lib/modules/$(basename "$m").ko" ;;
	*) echo "mk-linux-guest: cannot unpack $f" >&2; exit 1 ;;
	esac
done
${CC:-gcc} -static -nostdlib -O2 -fno-pie -no-pie -fno-stack-protector -o "$out/initrd/sbin/hv-poweroff" \
	"$here/linux-guest/hv-poweroff.c"
cp "$here/linux-guest/init" "$out/initrd/init"
chmod 755 "$out/initrd/init"
(cd "$out/initrd" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) \
	> "$out/root/boot/guest-initrd.cpio"
dd if=/dev/zero of="$out/root/boot/guest-disk.img" bs=1024 count=64 2>/dev/null
printf 'MACROHARD guest disk: hello from virtio-blk sector 0\n' |
	dd of="$out/root/boot/guest-disk.img" conv=notrunc 2>/dev/null
echo "$version" > "$out/root/boot/guest-version"
