#!/bin/sh
# Boots the Debian cloud kernel as a guest of MACROHARD: vmctl, run from
# MACROHARD's shell, loads /boot/vmlinuz with a busybox initramfs and a raw
# virtio-blk disk (tools/mk-linux-guest.sh); the guest's init reads the disk's
# first sector, prints it and powers off. Checks from the serial log: the
# guest kernel's banner, its init, the disk's text, its vCPUs up (ACPI MADT),
# the ACPI S5 power-off (vmctl exit status 0) and prints the guest's boot time.
# LINUX_GUEST_CPUS (default 1) sets the guest's vCPUs: 2 boots both, but the
# guest's power-off then hangs some runs (see docs/hypervisor.md "Linux guest").
#   linux-guest.sh qemu KERNEL.elf BUILD_DIR     (QEMU TCG -cpu max: SVM + nested paging)
#   linux-guest.sh bochs KERNEL.elf BUILD_DIR    (Bochs Skylake-X: VMX + EPT, tools/run-bochs.sh)
#   linux-guest.sh hosted BINARY BUILD_DIR       (KVM backend)
# SKIP (status 0) when the cloud kernel is not installed or there is no
# hardware backend. LINUX_GUEST_ARGS adds guest kernel arguments.
set -u
mode=$1 bin=$2 build=$3
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mkdir -p "$build" && cd "$build" && pwd)/linux-guest
root=$build/userland-root
rm -rf "$out"
mkdir -p "$out/extra"
if [ ! -x "$root/usr/bin/vmctl" ]; then
	echo "linux-guest: $root lacks vmctl (make BUILD=$build $build/initramfs.cpio)" >&2
	exit 1
fi
"$top/tools/mk-linux-guest.sh" "$out/guest"
case $? in
0) ;;
3) echo "SKIP linux guest ($mode): the Debian cloud kernel is not installed (tools/deps.sh --bench)"; exit 0 ;;
*) exit 1 ;;
esac
guest_args="console=ttyS0 loglevel=6 tsc=reliable no_timer_check ${LINUX_GUEST_ARGS:-}"
cat > "$out/extra/testinit" <<EOF
#!/bin/sh
export PATH=/sbin:/bin:/usr/sbin:/usr/bin HOME=/
if ! vmctl info | grep -q '^hardware backend: [a-z]'; then
	echo "=== LINUX SKIP \$(vmctl info | grep '^hardware backend')"
	exit 0
fi
echo "=== BACKEND \$(vmctl info | grep '^hardware backend')"
cp /boot/guest-disk.img /tmp/disk.img
start=\$(cut -d' ' -f1 /proc/uptime)
vmctl run --kernel /boot/vmlinuz --initrd /boot/guest-initrd.cpio --disk /tmp/disk.img --mem 256M --cpus ${LINUX_GUEST_CPUS:-1} \\
	--cmdline "$guest_args" --timeout ${LINUX_GUEST_TIMEOUT:-1500} </dev/null
status=\$?
echo "=== STATUS \$status"
echo "=== HOST SECONDS \$start \$(cut -d' ' -f1 /proc/uptime)"
echo "=== LINUX DONE"
EOF
chmod 755 "$out/extra/testinit"
"$top/tools/mkinitramfs.sh" "$out/initramfs.cpio" "$root" "$out/guest/root" "$out/extra" || exit 1

case $mode in
hosted)
	timeout 2000 "$bin" --cpus 2 --mem 1G --initrd "$out/initramfs.cpio" init=/testinit quiet \
		</dev/null > "$out/log.raw" 2>&1
	;;
bochs)
	BUILD=$build timeout 2000 "$top/tools/run-bochs.sh" --mem 1024 --append "init=/testinit quiet" \
		--initrd "$out/initramfs.cpio" --log "$out/log.raw" --timeout 1900 --done '^=== LINUX DONE' >/dev/null 2>&1
	;;
qemu)
	BUILD=$build timeout 2000 "$top/tools/run-qemu.sh" --mem 1G --kernel "$bin" --append "init=/testinit quiet" \
		--log "$out/log.raw" --timeout 1900 -- -cpu max -initrd "$out/initramfs.cpio" >/dev/null 2>&1
	;;
*)
	echo "linux-guest: unknown mode $mode" >&2
	exit 2
	;;
esac
tr -d '\r' < "$out/log.raw" > "$out/log"
if grep -q '^=== LINUX SKIP' "$out/log"; then
	echo "SKIP linux guest ($mode): $(grep '^=== LINUX SKIP' "$out/log" | sed 's/^=== LINUX SKIP //')"
	exit 0
fi
fail=0
check() { # WHAT REGEX
	if ! grep -Eq "$2" "$out/log"; then
		echo "FAIL linux guest ($mode): $1"
		fail=1
	fi
}
version=$(cat "$out/guest/root/boot/guest-version")
check "no guest kernel banner" "Linux version ${version%%-*}"
check "the guest did not reach its init" '^guest: init reached'
check "the guest did not read the disk's text" '^guest: /dev/vda says: MACROHARD guest disk: hello from virtio-blk sector 0$'
cpus=${LINUX_GUEST_CPUS:-1}
[ "$cpus" -gt 1 ] && online="0-$((cpus - 1))" || online=0
check "the guest did not bring up its $cpus vCPU(s) (ACPI MADT)" "^guest: cpus online $online\$"
check "the guest did not power off through ACPI" '^vmctl: guest powered off \(code 0\)'
check "the guest did not power off cleanly (vmctl status)" '^=== STATUS 0$'
check "the run did not finish" '^=== LINUX DONE'
init_at=$(sed -n 's/^guest: init reached, uptime \([0-9.]*\) s$/\1/p' "$out/log")
host=$(sed -n 's/^=== HOST SECONDS \([0-9.]*\) \([0-9.]*\)$/\1 \2/p' "$out/log")
if [ -n "$host" ]; then
	set -- $host
	echo "linux guest ($mode): guest uptime at init ${init_at:-?} s, vmctl run took $(echo "$2 - $1" | bc) s"
fi
[ $fail -eq 0 ] || { grep -v '^\[plat\]' "$out/log" | tail -n 25 | sed 's/^/    | /'; exit 1; }
echo "linux guest ($mode): passed"
