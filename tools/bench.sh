#!/bin/sh
# make bench: the same static binaries (tests/bench/, musl) natively on this
# Linux host, on the hosted MACROHARD, on MACROHARD in QEMU (TCG), and on
# Debian's Linux kernel in the same QEMU; prints a table of results and
# ratios and writes it to docs/bench.md.
#   bench.sh BUILD_DIR HOSTED_BIN BAREMETAL_ELF
# Environment: BENCH_ONLY="native hosted qemu-mh qemu-linux qemu-svm" (a subset to
# run; the others show n/a), BENCH_PROGS="nullsys forkexec pipebw" (which
# programs), BENCH_REPEAT=3 (runs of each; the table keeps the best: the
# machine is shared, so the best run is the least disturbed one).
set -u
build=$1 hosted=$2 elf=$3
only=${BENCH_ONLY:-native hosted qemu-mh qemu-linux qemu-svm}
progs=${BENCH_PROGS:-nullsys forkexec pipebw}
repeat=${BENCH_REPEAT:-3}
want() { case " $only " in *" $1 "*) return 0 ;; esac; return 1; }
top=$(cd "$(dirname "$0")/.." && pwd)
out=$build/bench
mkdir -p "$out/extra/bench"
for b in nullsys forkexec pipebw; do
	cp "$build/bench-bin/$b" "$out/extra/bench/$b"
done
sed -e "s/^BENCH_PROGS=.*/BENCH_PROGS=\"$progs\"/" -e "s/^BENCH_REPEAT=.*/BENCH_REPEAT=$repeat/" \
	"$top/tests/bench/init.sh" > "$out/extra/benchinit"
chmod +x "$out/extra/benchinit"
"$top/tools/mkinitramfs.sh" "$out/initramfs.cpio" "$out/extra"

collect() { # LOG -> "metric value" lines
	tr -d '\r' < "$1" | sed -n 's/^BENCH \([a-z_]*\) \([0-9.]*\)$/\1 \2/p'
}

for f in native hosted qemu-mh qemu-linux; do : > "$out/$f.log"; done
if want native; then
	echo "bench: native Linux"
	i=0
	while [ $i -lt "$repeat" ]; do
		for b in $progs; do
			# The guests exec busybox as /bin/true: so does the native run.
			"$build/bench-bin/$b" /bin/busybox >> "$out/native.log"
		done
		i=$((i + 1))
	done
fi

want hosted && echo "bench: hosted MACROHARD" && timeout 600 "$hosted" --cpus 1 --mem 512M --initrd "$out/initramfs.cpio" init=/benchinit quiet \
	</dev/null > "$out/hosted.log" 2>&1

qemu_args="-machine pc -accel tcg -m 512M -smp 1 -no-reboot -display none -serial file:"
want qemu-mh && echo "bench: MACROHARD in QEMU (TCG)" && timeout 900 qemu-system-x86_64 $qemu_args"$out/qemu-mh.log" -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	-kernel "$elf" -append "init=/benchinit quiet" -initrd "$out/initramfs.cpio" </dev/null >/dev/null 2>&1

linux=$(ls /boot/vmlinuz-*-cloud-amd64 2>/dev/null | sort -V | tail -n 1)
if ! want qemu-linux; then
	:
elif [ -n "$linux" ]; then
	echo "bench: Linux ($(basename "$linux")) in QEMU (TCG)"
	timeout 900 qemu-system-x86_64 $qemu_args"$out/qemu-linux.log" -kernel "$linux" -initrd "$out/initramfs.cpio" \
		-append "console=ttyS0 rdinit=/benchinit quiet panic=-1" </dev/null >/dev/null 2>&1
else
	echo "bench: no Debian cloud kernel (apt-get install linux-image-cloud-amd64): skipping the Linux guest"
	: > "$out/qemu-linux.log"
fi

# The best of the runs: the lowest, or the highest for throughput.
value() {
	collect "$2" | awk -v m="$1" '$1 == m && (best == "" || (m ~ /per_s$/ ? $2 + 0 > best + 0 : $2 + 0 < best + 0)) { best = $2 }
		END { if (best != "") print best }'
}
ratio() { awk -v a="$1" -v b="$2" -v inv="$3" 'BEGIN { if (a == "" || b == "" || a + 0 == 0 || b + 0 == 0) print "n/a"; else printf "%.2fx", inv ? b / a : a / b }'; }
{
	echo "| metric | native Linux | hosted | hosted/native | QEMU MACROHARD | QEMU Linux | QEMU MH/Linux |"
	echo "| --- | --- | --- | --- | --- | --- | --- |"
	for m in null_syscall_ns fork_exec_wait_us pipe_mb_per_s; do
		n=$(value $m "$out/native.log") h=$(value $m "$out/hosted.log")
		q=$(value $m "$out/qemu-mh.log") l=$(value $m "$out/qemu-linux.log")
		inv=0
		[ $m = pipe_mb_per_s ] && inv=1 # higher is better: show slowdown as native/other
		echo "| $m | ${n:-n/a} | ${h:-n/a} | $(ratio "$h" "$n" $inv) | ${q:-n/a} | ${l:-n/a} | $(ratio "$q" "$l" $inv) |"
	done
} > "$out/table.md"
cat "$out/table.md"
echo "(ratios: how many times slower than the reference; for throughput, reference/measured)"
if want qemu-svm; then
	echo "bench: the hypervisor in QEMU (TCG -cpu max: SVM)"
	{
		echo
		echo "| hypervisor metric | MACROHARD/SVM in QEMU | QEMU direct | MACROHARD/direct |"
		echo "| --- | --- | --- | --- |"
		"$top/tools/bench-linux-guest.sh" "$build" "$elf"
	} > "$out/hv-table.md"
	cat "$out/hv-table.md"
fi
