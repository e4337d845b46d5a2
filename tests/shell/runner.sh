#!/bin/sh
# Runs every test script in a fresh directory and prints its output between
# markers; used as init inside MACROHARD and as-is on the host (the oracle).
#   runner.sh TESTDIR WORKDIR
tests=$1 work=$2
for t in "$tests"/[0-9]*.sh; do
	name=$(basename "$t" .sh)
	mkdir -p "$work/$name"
	(cd "$work/$name" && sh "$t" > "$work/$name.out" 2>&1 </dev/null)
	status=$?
	echo "=== BEGIN $name"
	cat "$work/$name.out"
	echo "=== END $name status=$status"
done
echo "=== ALL DONE"
