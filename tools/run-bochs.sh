#!/bin/sh
# Boots the bare-metal kernel under Bochs (Debian's bochs 2.7: an Intel CPU
# model with VMX, EPT and unrestricted guest), without a display, the serial
# console in a file.
#   run-bochs.sh [--iso FILE | --append CMDLINE [--initrd CPIO]] [--cpu MODEL]
#                [--smp N] [--mem MB] [--timeout SECONDS] [--log FILE] [--done REGEX]
# --append builds an ISO of $BUILD/baremetal/macrohard.elf with that command
# line and initramfs (tools/mkiso.sh); the default is $BUILD/macrohard-test.iso
# (ktest=all).
# Bochs has no isa-debug-exit: the kernel powers off through ACPI S5, which
# ends Bochs; as a fallback the run ends when the log matches --done
# (default "KTEST DONE") or after --timeout (exit 124). Exit status 0 when
# Bochs ended or the done line appeared, 124 on timeout.
set -eu
BUILD=${BUILD:-build}
iso= append= initrd= cpu=corei7_skylake_x smp=1 mem=256 timeout=600 log= done_re='KTEST DONE'
while [ $# -gt 0 ]; do
	case $1 in
	--iso) iso=$2; shift ;;
	--append) append=$2; shift ;;
	--initrd) initrd=$2; shift ;;
	--cpu) cpu=$2; shift ;;
	--smp) smp=$2; shift ;;
	--mem) mem=$2; shift ;;
	--timeout) timeout=$2; shift ;;
	--log) log=$2; shift ;;
	--done) done_re=$2; shift ;;
	-h|--help) sed -n '2,14p' "$0"; exit 0 ;;
	*) echo "run-bochs: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done
command -v bochs-bin >/dev/null || { echo "run-bochs: bochs is missing (apt-get install bochs bochsbios vgabios)" >&2; exit 1; }
tmp=$(mktemp -d)
bochs_pid=
cleanup() {
	[ -n "$bochs_pid" ] && kill "$bochs_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
if [ -n "$append" ]; then
	iso=$tmp/macrohard.iso
	tools/mkiso.sh "$BUILD/baremetal/macrohard.elf" "$iso" "$append" $initrd
fi
[ -n "$iso" ] || iso=$BUILD/macrohard-test.iso
[ -r "$iso" ] || { echo "run-bochs: $iso missing (make image)" >&2; exit 1; }
[ -n "$log" ] || log=$tmp/serial.log
: >"$log"
cat >"$tmp/bochsrc" <<RC
megs: $mem
cpu: model=$cpu, count=$smp, ips=100000000, reset_on_triple_fault=0
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/vgabios/vgabios.bin
ata0-master: type=cdrom, path="$iso", status=inserted
boot: cdrom
display_library: term
com1: enabled=1, mode=file, dev="$log"
clock: sync=none, time0=utc
log: $tmp/bochs.log
panic: action=fatal
error: action=report
info: action=ignore
debug: action=ignore
RC
# Debian builds Bochs with its debugger, which stops before the first
# instruction: -rc makes it continue. The term display (the only one
# without X or a network port) needs a terminal: script gives it a pty.
echo c >"$tmp/debugger.rc"
TERM=vt100 script -q -e -c "bochs-bin -q -f $tmp/bochsrc -rc $tmp/debugger.rc" /dev/null </dev/null >"$tmp/bochs.out" 2>&1 &
bochs_pid=$!
start=$(date +%s)
status=0
while kill -0 "$bochs_pid" 2>/dev/null; do
	if tr -d '\r' <"$log" | grep -a -q -E "$done_re"; then
		sleep 1 # the last lines
		break
	fi
	if [ $(( $(date +%s) - start )) -ge "$timeout" ]; then
		status=124
		break
	fi
	sleep 1
done
kill "$bochs_pid" 2>/dev/null || true
wait "$bochs_pid" 2>/dev/null || true
bochs_pid=
if [ "$status" = 124 ]; then
	echo "run-bochs: timed out after ${timeout}s" >&2
	tail -n 20 "$tmp/bochs.log" >&2
fi
if [ -n "${BOCHS_KEEP:-}" ]; then cp "$tmp/bochs.log" "$tmp/bochs.out" "$BOCHS_KEEP"/ 2>/dev/null || true; fi
[ "$log" = "$tmp/serial.log" ] && cat "$log"
exit $status
