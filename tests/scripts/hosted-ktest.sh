#!/bin/sh
# Boots the hosted kernel with 1 and 4 CPUs, in virtual and real time, and
# requires every ktest to pass; also checks the ktest list matches across
# configurations.
#   hosted-ktest.sh BINARY
set -u
bin=$1
dir=$(dirname "$bin")/test-logs
mkdir -p "$dir"
here=$(dirname "$0")
fail=0
for cpus in 1 4; do
	for time in virtual real; do
		log="$dir/ktest-cpus$cpus-$time.log"
		timeout 600 "$bin" --cpus "$cpus" --time="$time" --mem 256M ktest=all </dev/null >"$log" 2>&1
		status=$?
		"$here/ktest-check.sh" "$log" "hosted --cpus $cpus --time=$time" "$status" || fail=1
		tr -d '\r' < "$log" | grep -E '^KTEST (PASS|FAIL)' | awk '{print $3}' | sed 's/:$//' > "$log.names"
	done
done
ref="$dir/ktest-cpus1-virtual.log.names"
for f in "$dir"/ktest-*.log.names; do
	if ! cmp -s "$ref" "$f"; then
		echo "FAIL: the ktest list differs between $(basename "$ref" .log.names) and $(basename "$f" .log.names)"
		diff "$ref" "$f" | head -10
		fail=1
	fi
done
exit $fail
