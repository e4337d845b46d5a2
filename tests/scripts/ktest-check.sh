#!/bin/sh
# Checks one ktest log: prints a summary line; exit 0 only if the run
# completed with every test passing.
#   ktest-check.sh LOG LABEL STATUS [EXPECTED_STATUS]
log=$1 label=$2 status=$3 expect=${4:-0}
done_line=$(tr -d '\r' < "$log" | grep '^KTEST DONE' | tail -n 1)
npass=$(tr -d '\r' < "$log" | grep -c '^KTEST PASS')
if [ -z "$done_line" ]; then
	echo "FAIL $label: no 'KTEST DONE' (exit status $status); last lines:"
	tr -d '\r' < "$log" | tail -n 15 | sed 's/^/    /'
	exit 1
fi
if [ "$status" != "$expect" ] || ! echo "$done_line" | grep -qE ' fail=0( skip=[0-9]+)?$'; then
	echo "FAIL $label: $done_line (exit status $status, expected $expect)"
	tr -d '\r' < "$log" | grep -E '^KTEST (FAIL|ABORT)|PANIC' | sed 's/^/    /'
	exit 1
fi
echo "ok   $label: $npass tests passed"
