#!/bin/sh
# Builds a GRUB rescue ISO that boots a multiboot2 kernel under both legacy
# BIOS (i386-pc) and UEFI (x86_64-efi).
#   mkiso.sh KERNEL.elf OUT.iso "kernel command line" [INITRAMFS.cpio]
# The initramfs, if given, is loaded as a multiboot2 module.
set -eu
[ $# -eq 3 ] || [ $# -eq 4 ] || { echo "usage: $0 KERNEL.elf OUT.iso CMDLINE [INITRAMFS]" >&2; exit 2; }
kernel=$1 out=$2 cmdline=$3 initramfs=${4:-}
for platform in i386-pc x86_64-efi; do
	[ -d /usr/lib/grub/$platform ] || { echo "mkiso: GRUB for $platform is missing (apt-get install grub-pc-bin grub-efi-amd64-bin)" >&2; exit 1; }
done
stage=$(mktemp -d)
log=$(mktemp)
trap 'rm -rf "$stage" "$log"' EXIT
mkdir -p "$stage/boot/grub"
cp "$kernel" "$stage/boot/macrohard.elf"
module=
if [ -n "$initramfs" ]; then
	cp "$initramfs" "$stage/boot/initramfs.cpio"
	module="module2 /boot/initramfs.cpio initramfs"
fi
cat > "$stage/boot/grub/grub.cfg" <<CFG
set timeout=0
set default=0
# Keep the firmware's video mode: UEFI has no text mode for GRUB to set.
set gfxpayload=keep
menuentry "MACROHARD" {
	multiboot2 /boot/macrohard.elf $cmdline
	$module
	boot
}
CFG
# With no -d, grub-mkrescue puts every installed platform's loader on the
# image: El Torito for i386-pc and an EFI system partition for x86_64-efi.
if ! grub-mkrescue -o "$out.tmp" "$stage" >"$log" 2>&1; then
	cat "$log" >&2
	rm -f "$out.tmp"
	exit 1
fi
mv "$out.tmp" "$out"
