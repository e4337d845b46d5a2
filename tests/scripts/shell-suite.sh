#!/bin/sh
# Runs the shell scripts of tests/shell/ with Debian's busybox-static on the
# host (the oracle: real Linux) and inside MACROHARD, and compares each
# script's output and exit status.
#   shell-suite.sh hosted BINARY BUILD_DIR
#   shell-suite.sh qemu KERNEL.elf BUILD_DIR     (PVH boot, QEMU TCG)
set -u
mode=$1 bin=$2 build=$3
here=$(cd "$(dirname "$0")/../shell" && pwd)
top=$(cd "$here/../.." && pwd)
mkdir -p "$build"
out=$(cd "$build" && pwd)/shell-suite
rm -rf "$out"
mkdir -p "$out/hostbin" "$out/extra/tests"

# The oracle: the same busybox on the host kernel, applets first in PATH.
for a in $(/bin/busybox --list); do ln -sf /bin/busybox "$out/hostbin/$a"; done
env -i PATH="$out/hostbin" HOME=/ TZ=UTC /bin/busybox sh "$here/runner.sh" "$here" "$out/host-work" \
	> "$out/expected.log" 2>&1

# MACROHARD: the scripts ride in the initramfs; their runner is init.
cp "$here"/*.sh "$out/extra/tests/"
cp "$here/init.sh" "$out/extra/testinit"
chmod 755 "$out/extra/testinit"
"$top/tools/mkinitramfs.sh" "$out/initramfs.cpio" "$out/extra"
case $mode in
hosted)
	timeout 900 "$bin" --cpus ${SHELL_SUITE_CPUS:-2} --mem 512M --initrd "$out/initramfs.cpio" init=/testinit ${SHELL_SUITE_KARGS:-quiet} \
		</dev/null > "$out/actual.raw" 2>&1
	;;
qemu)
	BUILD=$build timeout 1500 "$top/tools/run-qemu.sh" --smp ${SHELL_SUITE_CPUS:-2} --mem 512M --kernel "$bin" \
		--append "init=/testinit ${SHELL_SUITE_KARGS:-quiet}" --log "$out/actual.raw" --timeout 1400 \
		-- -initrd "$out/initramfs.cpio" >/dev/null 2>&1
	;;
*)
	echo "shell-suite: unknown mode $mode" >&2
	exit 2
	;;
esac
# Drop the kernel's own log lines and the serial line's carriage returns.
tr -d '\r' < "$out/actual.raw" | grep -Ev '^\[ *[0-9]+\.[0-9]+\] ' > "$out/actual.log"

split() { # LOG DIR
	mkdir -p "$2"
	awk -v dir="$2" '
		/^=== BEGIN / { name = $3; file = dir "/" name; printf "" > file; next }
		/^=== END / { print $0 >> file; close(file); name = ""; next }
		name != "" { print >> file }' "$1"
}
split "$out/expected.log" "$out/expected"
split "$out/actual.log" "$out/actual"

pass=0 fail=0
for t in "$here"/[0-9]*.sh; do
	name=$(basename "$t" .sh)
	if [ ! -f "$out/expected/$name" ]; then
		echo "FAIL $name: the host run produced nothing"
		fail=$((fail + 1))
	elif cmp -s "$out/expected/$name" "$out/actual/$name" 2>/dev/null; then
		pass=$((pass + 1))
	else
		echo "FAIL $name:"
		if [ -f "$out/actual/$name" ]; then
			diff "$out/expected/$name" "$out/actual/$name" | head -n 12 | sed 's/^/    /'
		else
			echo "    (no output from MACROHARD)"
		fi
		fail=$((fail + 1))
	fi
done
if ! grep -q '^=== ALL DONE' "$out/actual.log"; then
	echo "FAIL: the run inside MACROHARD did not finish; last lines:"
	tail -n 15 "$out/actual.log" | sed 's/^/    /'
	fail=$((fail + 1))
fi
echo "shell suite ($mode): $pass passed, $fail failed (of $(ls "$here"/[0-9]*.sh | wc -l) scripts)"
[ "$fail" -eq 0 ]
