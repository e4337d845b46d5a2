#!/bin/sh
# Runs one harness: fuzz/run.sh [--regress] BIN NAME SECONDS WORKDIR
# --regress first replays every input in fuzz/regressions/NAME/ (each must
# pass) and checks the reset on 300 inputs; then it fuzzes for SECONDS from
# fuzz/corpus/NAME and prints exec/s and libFuzzer's coverage (edges) and
# features.
set -e
regress=0
[ "$1" = --regress ] && { regress=1; shift; }
bin=$1 name=$2 secs=$3 work=$4
mkdir -p "$work/$name-corpus"
if [ $regress = 1 ] && [ -d "fuzz/regressions/$name" ] && [ -n "$(ls "fuzz/regressions/$name")" ]; then
	"$bin" -runs=0 -timeout=20 fuzz/regressions/$name/* > "$work/$name-regress.log" 2>&1 ||
		{ tail -n 40 "$work/$name-regress.log"; echo "FAIL $name: a regression input crashes"; exit 1; }
	echo "ok   $name: $(ls fuzz/regressions/$name | wc -l) regression inputs"
fi
dict=""
[ -f "fuzz/$name/$name.dict" ] && dict="-dict=fuzz/$name/$name.dict"
# Per-harness libFuzzer options, OSS-Fuzz style: [libfuzzer] key = value lines.
# [kfuzz] generated_seeds = 1: the harness writes seeds of its own (e.g. one
# per syscall of the table) with `BIN --seeds DIR`; they join the corpus.
opts="" gen=""
if [ -f "fuzz/$name/$name.options" ]; then
	opts=$(awk '/^\[/ { s = $0 } s == "[libfuzzer]" && /^ *[a-z_]+ *= *[^ ]+ *$/ { gsub(/ /, ""); print "-" $0 }' \
		"fuzz/$name/$name.options" | tr '\n' ' ')
	gen=$(awk '/^\[/ { s = $0 } s == "[kfuzz]" && /^ *generated_seeds *= *1/ { print 1 }' "fuzz/$name/$name.options")
fi
seeds=""
[ -d "fuzz/corpus/$name" ] && seeds="fuzz/corpus/$name"
if [ -n "$gen" ]; then
	rm -rf "$work/$name-seeds" && mkdir -p "$work/$name-seeds"
	"$bin" --seeds "$work/$name-seeds" > "$work/$name-seeds.log" 2>&1 ||
		{ cat "$work/$name-seeds.log"; echo "FAIL $name: --seeds"; exit 1; }
	seeds="$seeds $work/$name-seeds"
fi
# The reset itself (--regress): 300 inputs, each restore compared with the
# snapshot in full (KFUZZ_VERIFY=1, fuzz/kernel/snapshot.c).
if [ $regress = 1 ]; then
	rm -rf "$work/$name-verify" && mkdir -p "$work/$name-verify"
	KFUZZ_VERIFY=1 "$bin" -runs=300 -seed=1 -detect_leaks=0 $dict $opts "$work/$name-verify" $seeds \
		> "$work/$name-verify.log" 2>&1 ||
		{ tail -n 40 "$work/$name-verify.log"; echo "FAIL $name: the reset differs from the snapshot"; exit 1; }
	echo "ok   $name: 300 inputs, every reset identical to the snapshot"
fi
# -timeout=20: an input still running after 20 s is a hang (libFuzzer saves it
# as timeout-*), not 20 minutes of a silent stall (the default).
# CPU time too (if /usr/bin/time is there): on a loaded machine exec/s per
# CPU-second is what one core would do.
timer=""
[ -x /usr/bin/time ] && timer="/usr/bin/time -f %U+%S -o $work/$name.cpu"
$timer "$bin" -max_total_time="$secs" -timeout=20 -print_final_stats=1 -detect_leaks=0 $dict $opts $FUZZ_FLAGS \
	-artifact_prefix="$work/$name-" "$work/$name-corpus" $seeds > "$work/$name.log" 2>&1 ||
	{ tail -n 60 "$work/$name.log"; echo "FAIL $name: crash (input saved under $work/$name-*)"; exit 1; }
execs=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/$name.log")
cov=$(grep -o 'cov: [0-9]*' "$work/$name.log" | tail -n 1)
ft=$(grep -o 'ft: [0-9]*' "$work/$name.log" | tail -n 1)
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$name.log")
percpu=""
if [ -n "$timer" ] && [ -s "$work/$name.cpu" ]; then
	cpu=$(tail -n 1 "$work/$name.cpu")
	percpu=" ($(awk "BEGIN { c = $cpu; if (c > 0) printf \"%d\", $runs / c }") per CPU-second)"
fi
echo "ok   $name: ${secs}s, $execs exec/s$percpu, $cov edges, $ft features"
# With KFUZZ_PROFILE=1 the kernel harnesses print at exit where an input's
# time went (fuzz/kernel/boot.c); what is left of the time per execution is
# the engine's (mutation, coverage bookkeeping).
prof=$(sed -n 's/^kfuzz: [0-9]* inputs, per input: //p' "$work/$name.log" | tail -n 1)
if [ -n "$prof" ] && [ -n "$execs" ] && [ "$execs" -gt 0 ]; then
	job=$(echo "$prof" | sed -n 's/.*job \([0-9.]*\) us.*/\1/p')
	reset=$(echo "$prof" | sed -n 's/.*reset \([0-9.]*\) us.*/\1/p')
	engine=$(awk "BEGIN { printf \"%.1f\", 1e6 / $execs - $job - $reset }")
	echo "     per execution: $prof; engine $engine us"
fi
