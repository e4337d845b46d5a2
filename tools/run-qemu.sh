#!/bin/sh
# Boots the bare-metal kernel in QEMU (TCG), serial console on stdio.
#   run-qemu.sh [--uefi] [--smp N] [--mem SIZE] [--test] [--iso FILE]
#               [--kernel ELF [--append CMDLINE]] [--timeout SECONDS]
#               [--log FILE] [--tcg-thread auto|single|multi] [-- extra qemu arguments]
# --test boots $BUILD/macrohard-test.iso (command line ktest=all); --kernel
# boots an ELF directly through its PVH note instead of an ISO (BIOS only).
# --tcg-thread auto (default) uses multi-threaded TCG only when the host has
# a core for every vCPU. With fewer, spinning vCPUs keep the host busy while
# the vCPU whose ticket is next waits for a host core, and lock-heavy tests
# run 10-50x slower; single-threaded (round-robin) TCG avoids that, because
# there `pause` hands the host thread to the next vCPU.
# The exit status is QEMU's: (status << 1) | 1 when the kernel powers off
# through isa-debug-exit, 124 on --timeout.
set -eu
BUILD=${BUILD:-build}
uefi=0 smp=1 mem=512M iso= kernel= append= timeout= log= tcg_thread=auto
while [ $# -gt 0 ]; do
	case $1 in
	--uefi) uefi=1 ;;
	--smp) smp=$2; shift ;;
	--mem) mem=$2; shift ;;
	--test) iso=$BUILD/macrohard-test.iso ;;
	--iso) iso=$2; shift ;;
	--kernel) kernel=$2; shift ;;
	--append) append=$2; shift ;;
	--timeout) timeout=$2; shift ;;
	--log) log=$2; shift ;;
	--tcg-thread) tcg_thread=$2; shift ;;
	--) shift; break ;;
	-h|--help) sed -n '2,10p' "$0"; exit 0 ;;
	*) echo "run-qemu: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done
[ -n "$iso" ] || iso=$BUILD/macrohard.iso

if [ "$tcg_thread" = auto ]; then
	if [ "$(nproc)" -ge "$smp" ]; then tcg_thread=multi; else tcg_thread=single; fi
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

set -- -machine pc -accel tcg,thread="$tcg_thread" -m "$mem" -smp "$smp" -no-reboot -display none \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 "$@"
if [ -n "$log" ]; then
	set -- "$@" -serial "file:$log"
	exec </dev/null
else
	set -- "$@" -serial stdio
fi
if [ "$uefi" = 1 ]; then
	code=/usr/share/OVMF/OVMF_CODE.fd vars=/usr/share/OVMF/OVMF_VARS.fd
	[ -r "$code" ] || { echo "run-qemu: $code missing (apt-get install ovmf)" >&2; exit 1; }
	cp "$vars" "$tmp/vars.fd"
	set -- "$@" -drive if=pflash,format=raw,readonly=on,file="$code" \
		-drive if=pflash,format=raw,file="$tmp/vars.fd"
fi
if [ -n "$kernel" ]; then
	[ "$uefi" = 0 ] || { echo "run-qemu: --kernel (PVH) needs BIOS, not --uefi" >&2; exit 2; }
	set -- "$@" -kernel "$kernel" -append "$append"
else
	[ -r "$iso" ] || { echo "run-qemu: $iso missing (make image)" >&2; exit 1; }
	set -- "$@" -cdrom "$iso" -boot d
fi
status=0
if [ -n "$timeout" ]; then
	timeout --foreground "$timeout" qemu-system-x86_64 "$@" || status=$?
else
	qemu-system-x86_64 "$@" || status=$?
fi
exit $status
