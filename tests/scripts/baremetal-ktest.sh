#!/bin/sh
# Bare-metal kernel tests under QEMU (TCG). Boots $BUILD/macrohard-test.iso
# (command line ktest=all) under SeaBIOS and OVMF with 1 and 4 CPUs, plus:
#   pvh      the ELF directly (qemu -kernel, PVH entry), 2 CPUs
#   noacpi   PVH with acpi=off: the no-MADT fallback must give 1 CPU
#   max-smp1, max-smp4  -cpu max (SMEP, SMAP, FSGSBASE: the default qemu64
#            model has none of them, so both kinds of CPU are covered)
#   monitor  the ELF with init=monitor (the plain ISO boots busybox now),
#            driving the kernel monitor over the serial line
#            (UART receive interrupts through the I/O APIC), ending in
#            `reboot` (8042 reset; QEMU's -no-reboot turns it into exit 0)
# A ktest boot passes when QEMU exits with 1 (status 0 via isa-debug-exit),
# the log has "KTEST DONE ... fail=0", and its KTEST PASS names match the
# first boot's. Logs: $BUILD/test-logs/baremetal-*.log.
# Env: BUILD (build), BM_TEST_TIMEOUT (120 s per boot), BM_TEST_ONLY
# (space-separated boot names to run, e.g. "bios-smp1 uefi-smp4").
set -u
BUILD=${BUILD:-build}
TIMEOUT=${BM_TEST_TIMEOUT:-120}
ONLY=${BM_TEST_ONLY:-}
LOGS=$BUILD/test-logs
ELF=$BUILD/baremetal/macrohard.elf
cd "$(dirname "$0")/../.."
mkdir -p "$LOGS"
for f in "$ELF" "$BUILD/macrohard-test.iso" "$BUILD/macrohard.iso"; do
	[ -r "$f" ] || { echo "baremetal-ktest: $f missing (run make image)" >&2; exit 1; }
done

failures=0
reference=
reference_name=

wanted() {
	[ -z "$ONLY" ] && return 0
	case " $ONLY " in *" $1 "*) return 0 ;; esac
	return 1
}

# ktest_boot NAME run-qemu-arguments...
ktest_boot() {
	name=$1; shift
	wanted "$name" || return 0
	log=$LOGS/baremetal-$name.log
	rm -f "$log"
	start=$(date +%s)
	status=0
	tools/run-qemu.sh --timeout "$TIMEOUT" --log "$log" "$@" >"$log.qemu" 2>&1 || status=$?
	secs=$(( $(date +%s) - start ))
	lines=$(tr -d '\r' <"$log" | grep -a -o 'KTEST .*')
	done_line=$(printf '%s\n' "$lines" | grep '^KTEST DONE' | tail -n 1)
	printf '%s\n' "$lines" | sed -n 's/^KTEST PASS \([^ ]*\).*/\1/p' | sort >"$log.pass"
	printf '%s\n' "$lines" | sed -n 's/^KTEST SKIP \([^:]*\):.*/\1/p' | sort >"$log.skip"
	pass=$(printf '%s' "$done_line" | sed -n 's/.*pass=\([0-9]*\).*/\1/p')
	fail=$(printf '%s' "$done_line" | sed -n 's/.*fail=\([0-9]*\).*/\1/p')
	failed_tests=$(printf '%s\n' "$lines" | grep '^KTEST FAIL' | head -n 3 | tr '\n' ';')
	verdict=ok
	why=
	if [ "$status" -eq 124 ]; then
		verdict=FAIL why="timed out after ${TIMEOUT}s"
	elif [ -n "$failed_tests" ] || [ "${fail:-0}" != 0 ]; then
		verdict=FAIL why="qemu exit $status: $failed_tests"
	elif [ "$status" -ne 1 ]; then
		verdict=FAIL why="qemu exit status $status, want 1"
	elif [ -z "$done_line" ]; then
		verdict=FAIL why="no KTEST DONE line"
	fi
	# Tests the reference skipped for a missing CPU feature (SVM with
	# nested paging needs -cpu max) may pass here.
	if [ "$verdict" = ok ] && [ -n "$reference" ] &&
		! grep -vxF -f "${reference%.pass}.skip" "$log.pass" | cmp -s "$reference" -; then
		verdict=FAIL why="KTEST PASS names differ from $reference_name:"
	fi
	printf '%-10s %-4s exit=%-3s pass=%-3s fail=%-3s %4ss  %s\n' "$name" "$verdict" "$status" \
		"${pass:--}" "${fail:--}" "$secs" "$why"
	if [ "$verdict" = ok ]; then
		if [ -z "$reference" ]; then
			reference=$log.pass reference_name=$name
		fi
	else
		failures=$((failures + 1))
		case $why in
		*differ*) grep -vxF -f "${reference%.pass}.skip" "$log.pass" | diff "$reference" - | sed 's/^/    /' ;;
		*KTEST\ FAIL*) ;;
		*) tr -d '\r' <"$log" | grep -a -v '^KTEST PASS' | tail -n 15 | sed 's/^/    | /' ;;
		esac
	fi
	[ -n "${expect_in_log:-}" ] && [ "$verdict" = ok ] && ! grep -a -q "$expect_in_log" "$log" && {
		printf '%-10s FAIL log lacks "%s"\n' "$name" "$expect_in_log"
		failures=$((failures + 1))
	}
	expect_in_log=
	return 0
}

# wait_for FILE PATTERN: polls until PATTERN is in FILE (up to TIMEOUT s).
wait_for() {
	i=0
	while ! tr -d '\r' <"$1" 2>/dev/null | grep -a -q "$2"; do
		[ $i -ge "$TIMEOUT" ] && return 1
		sleep 1; i=$((i + 1))
	done
}

# The monitor boot: types each command once the previous answer is there.
monitor_boot() {
	wanted monitor || return 0
	log=$LOGS/baremetal-monitor.log
	: >"$log"
	start=$(date +%s)
	status=0
	fifo=$LOGS/baremetal-monitor.in
	rm -f "$fifo" && mkfifo "$fifo"
	tools/run-qemu.sh --timeout "$TIMEOUT" --smp 2 --kernel "$ELF" --append "init=monitor" <"$fifo" >"$log" 2>&1 &
	qemu=$!
	exec 3>"$fifo"
	wait_for "$log" 'kernel monitor' && printf 'cpus\r' >&3
	wait_for "$log" '^cpu1: ' && printf 'uptime\r' >&3
	wait_for "$log" '^up [0-9]' && printf 'reboot\r' >&3
	wait "$qemu" || status=$?
	exec 3>&-
	rm -f "$fifo"
	secs=$(( $(date +%s) - start ))
	verdict=ok why=
	if ! tr -d '\r' <"$log" | grep -a -q '^up [0-9]'; then
		verdict=FAIL why="the monitor did not answer (serial receive interrupt?)"
	elif [ "$status" -ne 0 ]; then
		verdict=FAIL why="qemu exit status $status, want 0 (reset under -no-reboot)"
	fi
	printf '%-10s %-4s exit=%-3s %-19s %4ss  %s\n' monitor "$verdict" "$status" "" "$secs" "$why"
	if [ "$verdict" != ok ]; then
		failures=$((failures + 1))
		tr -d '\r' <"$log" | tail -n 15 | sed 's/^/    | /'
	fi
}

ktest_boot bios-smp1 --test --smp 1
ktest_boot bios-smp4 --test --smp 4
ktest_boot uefi-smp1 --test --uefi --smp 1
ktest_boot uefi-smp4 --test --uefi --smp 4
ktest_boot pvh-smp2 --kernel "$ELF" --append "ktest=all" --smp 2
expect_in_log="falling back to 1 cpu"
ktest_boot noacpi --kernel "$ELF" --append "ktest=all acpi=off" --smp 4
expect_in_log="SMEP on, SMAP on, FSGSBASE on"
ktest_boot max-smp1 --test --smp 1 -- -cpu max
expect_in_log="SMEP on, SMAP on, FSGSBASE on"
ktest_boot max-smp4 --test --uefi --smp 4 -- -cpu max
monitor_boot

if [ "$failures" -ne 0 ]; then
	echo "baremetal-ktest: $failures boot(s) failed; logs in $LOGS"
	exit 1
fi
echo "baremetal-ktest: all boots passed; logs in $LOGS"
