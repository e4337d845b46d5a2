#!/bin/sh
# The reset's promise, checked: every input meets the same kernel, so its
# trace (calls, results, pages restored, kernel console) does not depend on
# what ran before it in the same process. Replays FILES in one process
# forwards and backwards and compares each input's section.
#   fuzz/replay-check.sh BIN FILE...
set -u
bin=$1
shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin" --replay "$@" > "$tmp/fwd" 2>&1 || { tail -n 20 "$tmp/fwd"; echo "FAIL replay: crashed"; exit 1; }
rev=""
for f in "$@"; do rev="$f $rev"; done
# shellcheck disable=SC2086
"$bin" --replay $rev > "$tmp/rev" 2>&1 || { tail -n 20 "$tmp/rev"; echo "FAIL replay: crashed"; exit 1; }
# One line per input: its name, then its trace joined; sorted by name. The
# count of pages restored is left out: host code that runs once per process
# (lazy initialisation in libc or the sanitizers) can touch one more page of
# the boot stack during the first input, which changes no kernel state.
for d in fwd rev; do
	grep -av '^==[0-9]*==' "$tmp/$d" | sed 's/^\(== [0-9]* calls\), .*/\1/' | awk '/^== .* bytes\)$/ { if (s != "") print s; s = $0; next } { s = s " | " $0 } END { print s }' |
		sort > "$tmp/$d.sorted"
done
if ! cmp -s "$tmp/fwd.sorted" "$tmp/rev.sorted"; then
	diff "$tmp/fwd.sorted" "$tmp/rev.sorted" | cut -c1-300 | head -n 10
	echo "FAIL replay: an input's trace depends on the inputs before it"
	exit 1
fi
echo "ok   replay: $# inputs, the same trace in either order"
