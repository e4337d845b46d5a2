#!/bin/sh
# make bench, the hypervisor part (QEMU TCG -cpu max: SVM + nested paging):
#  - the Debian cloud kernel with the busybox initramfs and disk of
#    tools/mk-linux-guest.sh, booted to its init (a) by `vmctl run` on
#    MACROHARD and (b) directly by QEMU: host wall time from the start of
#    vmctl (a) or of QEMU (b) to the guest's "init reached" line, and the
#    ratio a/b;
#  - the exit round trip of a test guest on SVM (ktest hv_backend_vm_guest:
#    10,000 `out` exits), as exits per second.
# Prints "| metric | MACROHARD/SVM | QEMU direct | ratio |" table rows.
#   bench-linux-guest.sh BUILD_DIR BAREMETAL_ELF
set -u
build=$1 elf=$2
top=$(cd "$(dirname "$0")/.." && pwd)
out=$build/bench/linux-guest
root=$build/userland-root
rm -rf "$out"
mkdir -p "$out/extra"
if ! "$top/tools/mk-linux-guest.sh" "$out/guest" 2>"$out/why"; then
	echo "| linux_guest_boot_to_init_s | n/a ($(cat "$out/why")) | | |"
	exit 0
fi
if [ ! -x "$root/usr/bin/vmctl" ]; then
	echo "| linux_guest_boot_to_init_s | n/a ($root/usr/bin/vmctl missing) | | |"
	exit 0
fi
args="console=ttyS0 quiet tsc=reliable no_timer_check"
cat > "$out/extra/benchinit" <<EOF
#!/bin/sh
export PATH=/sbin:/bin:/usr/sbin:/usr/bin HOME=/
cp /boot/guest-disk.img /tmp/disk.img
echo "=== VMCTL START"
vmctl run --kernel /boot/vmlinuz --initrd /boot/guest-initrd.cpio --disk /tmp/disk.img --mem 256M \\
	--cmdline "$args" --timeout 900 </dev/null
echo "=== VMCTL STATUS \$?"
EOF
chmod 755 "$out/extra/benchinit"
"$top/tools/mkinitramfs.sh" "$out/initramfs.cpio" "$root" "$out/guest/root" "$out/extra" || exit 1

# Serial lines stamped with the host's clock as they arrive.
stamp() {
	while IFS= read -r line; do
		printf '%s %s\n' "$(date +%s.%N)" "$line"
	done
}
at() { # LOG REGEX: the stamp of the first matching line
	tr -d '\r' < "$1" | awk -v re="$2" '{ t = $1; $1 = ""; sub(/^ /, "") } $0 ~ re { print t; exit }'
}
qemu="qemu-system-x86_64 -machine pc -accel tcg -cpu max -m 1G -smp 1 -no-reboot -display none -serial stdio"
timeout 1200 $qemu -device isa-debug-exit,iobase=0xf4,iosize=0x04 -kernel "$elf" -initrd "$out/initramfs.cpio" \
	-append "init=/benchinit quiet" </dev/null 2>/dev/null | stamp > "$out/mh.log"
start=$(date +%s.%N)
echo "$start === QEMU START" > "$out/direct.log"
timeout 600 $qemu -device isa-debug-exit,iobase=0xf4,iosize=0x04 -kernel "$out/guest/root/boot/vmlinuz" \
	-initrd "$out/guest/root/boot/guest-initrd.cpio" -append "$args" \
	-drive file="$out/guest/root/boot/guest-disk.img",format=raw,if=none,id=d0,snapshot=on \
	-device virtio-blk-pci,drive=d0,disable-legacy=on </dev/null 2>/dev/null | stamp >> "$out/direct.log"

a0=$(at "$out/mh.log" '^=== VMCTL START') a1=$(at "$out/mh.log" '^guest: init reached')
b0=$(at "$out/direct.log" '^=== QEMU START') b1=$(at "$out/direct.log" '^guest: init reached')
ok=$(grep -c '^[0-9.]* === VMCTL STATUS 0' "$out/mh.log")
awk -v a0="$a0" -v a1="$a1" -v b0="$b0" -v b1="$b1" -v ok="$ok" 'BEGIN {
	a = (a0 != "" && a1 != "") ? a1 - a0 : -1; b = (b0 != "" && b1 != "") ? b1 - b0 : -1
	printf "| linux_guest_boot_to_init_s | %s | %s | %s |\n", a < 0 ? "n/a" : sprintf("%.2f%s", a, ok ? "" : " (no clean power-off)"),
		b < 0 ? "n/a" : sprintf("%.2f", b), (a > 0 && b > 0) ? sprintf("%.2fx", a / b) : "n/a"
}'

# The exit round trip on SVM.
timeout 600 $qemu -device isa-debug-exit,iobase=0xf4,iosize=0x04 -kernel "$elf" -append "ktest=hv_backend_vm_guest" \
	</dev/null > "$out/exits.log" 2>&1
ns=$(tr -d '\r' < "$out/exits.log" | sed -n 's/.*exit round trip \([0-9]*\) ns.*/\1/p' | head -n 1)
awk -v ns="$ns" 'BEGIN { v = (ns + 0 > 0) ? sprintf("%d (%d ns each)", 1e9 / ns, ns) : "n/a"; printf "| svm_exit_round_trips_per_s | %s | | |\n", v }'
