#!/bin/sh
# Runs the test guests (tests/guests/) with vmctl from MACROHARD's shell, as a
# user would: /dev/hv loads them from the initramfs (multiboot, and linux64
# through the Linux boot protocol), the smp guest gets three vCPUs and reads
# the MP table, virtio_blk a file-backed disk. Each guest must power off with
# status 0 and print exactly its known number of PASS lines and no FAIL.
#   vmctl-guests.sh hosted BINARY BUILD_DIR     (KVM backend; SKIP without one)
#   vmctl-guests.sh qemu KERNEL.elf BUILD_DIR   (QEMU TCG -cpu max: SVM)
set -u
mode=$1 bin=$2 build=$3
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mkdir -p "$build" && cd "$build" && pwd)/vmctl-guests
root=$build/userland-root
rm -rf "$out"
mkdir -p "$out/extra"
if [ ! -x "$root/usr/bin/vmctl" ] || [ ! -f "$root/usr/lib/macrohard/guests/io.elf" ]; then
	echo "vmctl-guests: $root lacks vmctl or the guests (make BUILD=$build $build/initramfs.cpio)" >&2
	exit 1
fi

# name, vmctl options, PASS lines (the hv_guest_* ktests' counts).
cat > "$out/extra/guests.list" <<'EOF'
io --multiboot 11
cpuid --multiboot 9
msr --multiboot 8
irq --multiboot 6
nmi --multiboot 7
smp --multiboot,--cpus=3 8
virtio_blk --multiboot,--disk=/tmp/disk.img 12
linux64 - 9
EOF
cat > "$out/extra/testinit" <<'EOF'
#!/bin/sh
export PATH=/sbin:/bin:/usr/sbin:/usr/bin HOME=/
g=/usr/lib/macrohard/guests
if ! vmctl info | grep -q '^hardware backend: [a-z]'; then
	echo "=== VMCTL SKIP $(vmctl info | grep '^hardware backend')"
	exit 0
fi
echo "=== BACKEND $(vmctl info | grep '^hardware backend')"
dd if=/dev/zero of=/tmp/disk.img bs=1024 count=64 2>/dev/null
printf 'MACROHARD virtio-blk test disk' | dd of=/tmp/disk.img conv=notrunc 2>/dev/null
while read -r name opts want; do
	set -- --kernel "$g/$name.elf"
	[ "$name" = linux64 ] && set -- --kernel "$g/linux64.bzImage"
	for o in $(echo "$opts" | tr ',' ' '); do
		case $o in
		--multiboot) set -- "$@" --multiboot ;;
		--cpus=*) set -- "$@" --cpus "${o#--cpus=}" ;;
		--disk=*) set -- "$@" --disk "${o#--disk=}" ;;
		esac
	done
	echo "=== GUEST $name want=$want"
	vmctl run "$@" --mem 32M --timeout 120 --cmdline "$name test" </dev/null
	echo "=== STATUS $name $?"
done < /guests.list
# The virtio_blk guest wrote sector 1 with byte i = i * 13 + 1.
echo "=== SECTOR1 $(dd if=/tmp/disk.img bs=1 skip=512 count=4 2>/dev/null | od -An -tu1 | tr -s ' ')"
echo "=== VMCTL DONE"
EOF
chmod 755 "$out/extra/testinit"
"$top/tools/mkinitramfs.sh" "$out/initramfs.cpio" "$root" "$out/extra" || exit 1

case $mode in
hosted)
	timeout 900 "$bin" --cpus 2 --mem 512M --initrd "$out/initramfs.cpio" init=/testinit quiet \
		</dev/null > "$out/log.raw" 2>&1
	;;
qemu)
	BUILD=$build timeout 1800 "$top/tools/run-qemu.sh" --mem 1G --kernel "$bin" --append "init=/testinit quiet" \
		--log "$out/log.raw" --timeout 1700 -- -cpu max -initrd "$out/initramfs.cpio" >/dev/null 2>&1
	;;
*)
	echo "vmctl-guests: unknown mode $mode" >&2
	exit 2
	;;
esac
tr -d '\r' < "$out/log.raw" > "$out/log"
if grep -q '^=== VMCTL SKIP' "$out/log"; then
	echo "SKIP vmctl guests ($mode): $(grep '^=== VMCTL SKIP' "$out/log" | sed 's/^=== VMCTL SKIP //')"
	exit 0
fi
awk -v mode="$mode" '
	/^=== GUEST / { name = $3; sub("want=", "", $4); want[name] = $4; pass[name] = 0; fail[name] = 0; order[n++] = name; cur = name; next }
	/^=== STATUS / { status[$3] = $4; cur = ""; next }
	/^=== SECTOR1 / { sector = $0; sub("^=== SECTOR1 *", "", sector); next }
	/^=== VMCTL DONE/ { done = 1; next }
	cur != "" && /^PASS / { pass[cur]++ }
	cur != "" && /^FAIL / { fail[cur]++; print "    " cur ": " $0 }
	END {
		bad = 0
		for (i = 0; i < n; i++) {
			g = order[i]
			if (status[g] != "0" || fail[g] || pass[g] != want[g]) {
				printf "FAIL vmctl %s (%s): exit status %s, %d PASS (want %d), %d FAIL\n", g, mode, status[g], pass[g], want[g], fail[g]
				bad++
			}
		}
		if (sector != "1 14 27 40") { printf "FAIL vmctl virtio_blk (%s): sector 1 of the disk file holds \"%s\"\n", mode, sector; bad++ }
		if (!done) { print "FAIL vmctl guests (" mode "): the run did not finish"; bad++ }
		if (n == 0) bad++
		printf "vmctl guests (%s): %d guests, %d failed\n", mode, n, bad
		exit bad ? 1 : 0
	}' "$out/log"
status=$?
[ $status -eq 0 ] || tail -n 20 "$out/log" | sed 's/^/    | /'
exit $status
