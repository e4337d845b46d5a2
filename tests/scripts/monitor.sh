#!/bin/sh
# Drives the kernel monitor through the simulated UART and checks replies.
#   monitor.sh BINARY
set -u
bin=$1
dir=$(dirname "$bin")/test-logs
mkdir -p "$dir"
log="$dir/monitor.log"
printf 'help\nmeminfo\nthreads\ncpus\nuptime\nbogus\nktest lib_printf\nktest list\ncmdline\npoweroff\n' |
	timeout 60 "$bin" --cpus 2 --time=virtual marker=xyz >"$log" 2>&1
status=$?
out=$(tr -d '\r' < "$log")
fail=0
expect() {
	if ! printf '%s\n' "$out" | grep -q -- "$1"; then
		echo "FAIL monitor: no '$1' in the output"
		fail=1
	fi
}
[ $status -eq 0 ] || { echo "FAIL monitor: exit status $status"; fail=1; }
expect 'MACROHARD kernel monitor'
expect 'meminfo'
expect '^pages: [0-9]* total, [0-9]* free'
expect 'idle/0'
expect 'idle/1'
expect 'init'
expect '^cpu1: current tid'
expect '^up [0-9]*\.[0-9]* s'
expect "unknown command 'bogus'"
expect '^KTEST PASS lib_printf'
expect '^sched_stress$'
expect 'marker=xyz'
expect 'powering off'
if [ $fail -ne 0 ]; then
	sed 's/^/    /' "$log" | tail -n 40
	exit 1
fi
echo "ok   monitor: commands answered over the UART"
