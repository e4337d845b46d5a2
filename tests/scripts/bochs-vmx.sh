#!/bin/sh
# The VMX backend on an emulated Intel CPU: boots $BUILD/baremetal/macrohard.elf
# under Bochs (tools/run-bochs.sh, Skylake-X model: VMX with EPT, VPID,
# unrestricted guest, the VMX-preemption timer) with ktest=hv_* on 1 and 2
# CPUs. Passes when every ktest passed, the hardware backend was "vmx", and
# neither hv_backend_vm_guest nor any test guest (hv_guest_*) was skipped.
# Then the Debian cloud kernel booted by vmctl on the VMX backend
# (tests/scripts/linux-guest.sh bochs; SKIP without the cloud kernel).
# Logs: $BUILD/test-logs/bochs-vmx-smpN.log, $BUILD/linux-guest/log.
# Env: BUILD (build), BOCHS_TEST_TIMEOUT (300 s per boot).
set -u
BUILD=${BUILD:-build}
TIMEOUT=${BOCHS_TEST_TIMEOUT:-300}
cd "$(dirname "$0")/../.."
LOGS=$BUILD/test-logs
mkdir -p "$LOGS"
[ -r "$BUILD/baremetal/macrohard.elf" ] || { echo "bochs-vmx: $BUILD/baremetal/macrohard.elf missing (make image)" >&2; exit 1; }
command -v bochs-bin >/dev/null || { echo "bochs-vmx: bochs is missing (tools/deps.sh)" >&2; exit 1; }

failures=0
for smp in 1 2; do
	log=$LOGS/bochs-vmx-smp$smp.log
	start=$(date +%s)
	status=0
	BUILD=$BUILD tools/run-bochs.sh --smp "$smp" --append "ktest=hv_*" --timeout "$TIMEOUT" --log "$log" \
		>"$log.bochs" 2>&1 || status=$?
	secs=$(( $(date +%s) - start ))
	lines=$(tr -d '\r' <"$log" | grep -a -o 'KTEST .*')
	done_line=$(printf '%s\n' "$lines" | grep '^KTEST DONE' | tail -n 1)
	guests=$(printf '%s\n' "$lines" | grep -c '^KTEST PASS hv_guest_')
	why=
	if [ "$status" != 0 ]; then
		why="run-bochs exit $status"
	elif [ -z "$done_line" ]; then
		why="no KTEST DONE line"
	elif ! printf '%s' "$done_line" | grep -q ' fail=0'; then
		why="$(printf '%s\n' "$lines" | grep '^KTEST FAIL' | head -n 3 | tr '\n' ';')"
	elif ! grep -a -q 'hv: vmx backend' "$log"; then
		why="the VMX backend did not run (hv_backend_vm_guest prints 'hv: vmx backend')"
	elif printf '%s\n' "$lines" | grep -q '^KTEST SKIP hv_\(guest_\|backend_vm_guest\)'; then
		why="skipped: $(printf '%s\n' "$lines" | grep '^KTEST SKIP hv_\(guest_\|backend_vm_guest\)' | head -n 2 | tr '\n' ';')"
	elif [ "$guests" -lt 1 ]; then
		why="no test guest ran (are they built into the kernel?)"
	fi
	round_trip=$(tr -d '\r' <"$log" | sed -n 's/.*exit round trip \([0-9]* ns\).*/\1/p' | head -n 1)
	if [ -z "$why" ]; then
		printf 'bochs-vmx smp%s ok   %s, %s test guests, exit round trip %s, %ss\n' "$smp" \
			"$(printf '%s' "$done_line" | sed 's/^KTEST DONE //')" "$guests" "${round_trip:-?}" "$secs"
	else
		printf 'bochs-vmx smp%s FAIL %s (%ss)\n' "$smp" "$why" "$secs"
		tr -d '\r' <"$log" | grep -a -v '^KTEST PASS' | tail -n 15 | sed 's/^/    | /'
		failures=$((failures + 1))
	fi
done
tests/scripts/linux-guest.sh bochs "$BUILD/baremetal/macrohard.elf" "$BUILD" || failures=$((failures + 1))
[ "$failures" = 0 ]
