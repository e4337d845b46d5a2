#!/bin/sh
# Source-based coverage (clang -fprofile-instr-generate -fcoverage-mapping)
# of the hosted tests, per directory. `make coverage` builds the binaries
# into COV_DIR (build/coverage/hosted) and calls this script to run them.
#   tools/coverage.sh COV_HOSTED_DIR [shell]
# Runs the Check unit tests and the ktests (--cpus 2, virtual time), and the
# busybox shell suite if the second argument is "shell"; merges the profiles
# and prints line and branch coverage for each top-level directory and for
# the subdirectories of core/ and hv/. The full per-file report is left in
# COV_HOSTED_DIR/coverage/report.txt.
set -u
dir=$1 shell=${2:-}
out=$dir/coverage
profdata=$(command -v llvm-profdata-14 || command -v llvm-profdata)
cov=$(command -v llvm-cov-14 || command -v llvm-cov)
[ -n "$profdata" ] && [ -n "$cov" ] || { echo "coverage: llvm-profdata/llvm-cov not found (tools/deps.sh)"; exit 1; }
rm -rf "$out"
mkdir -p "$out/prof"
fail=0

echo "== coverage: Check unit tests"
LLVM_PROFILE_FILE="$out/prof/unit-%p.profraw" CK_DEFAULT_TIMEOUT=300 "$dir/tests/unit-tests" > "$out/unit.log" 2>&1 ||
	{ tail -n 20 "$out/unit.log"; echo "FAIL: unit tests (coverage build)"; fail=1; }
tail -n 1 "$out/unit.log"

echo "== coverage: hosted ktests (--cpus 2, virtual time)"
LLVM_PROFILE_FILE="$out/prof/ktest-%p.profraw" timeout 900 "$dir/macrohard" --cpus 2 --time=virtual --mem 256M \
	ktest=all < /dev/null > "$out/ktest.log" 2>&1
tests/scripts/ktest-check.sh "$out/ktest.log" "ktests (coverage build)" $? || fail=1

if [ "$shell" = shell ]; then
	echo "== coverage: busybox shell suite"
	LLVM_PROFILE_FILE="$out/prof/shell-%p.profraw" tests/scripts/shell-suite.sh hosted "$dir/macrohard" "$out" ||
		fail=1
fi

"$profdata" merge -sparse -o "$out/all.profdata" "$out"/prof/*.profraw || exit 1
"$cov" report -instr-profile="$out/all.profdata" "$dir/macrohard" -object "$dir/tests/unit-tests" \
	-ignore-filename-regex='(^/usr/|tests/unit/|tools/|\.syms\.c$|/gen/)' > "$out/report.txt" || exit 1

# Per-file rows of llvm-cov report: name, regions, missed, %, functions,
# missed, %, lines, missed, %, branches, missed, % (the last four pairs are
# what is summed here).
top=$(pwd)/
echo "== coverage by directory (lines, branches)"
awk -v top="$top" '
	NF == 13 && $1 ~ /\.[ch]$/ {
		f = $1; sub("^" top, "", f)
		n = split(f, p, "/")
		key1 = p[1] "/"
		key2 = (n > 2 && (p[1] == "core" || p[1] == "hv")) ? p[1] "/" p[2] "/" : ""
		for (k = 1; k <= 2; k++) {
			key = k == 1 ? key1 : key2
			if (key == "") continue
			L[key] += $8; LM[key] += $9; B[key] += $11; BM[key] += $12
		}
		TL += $8; TLM += $9; TB += $11; TBM += $12
	}
	function pct(t, m) { return t ? sprintf("%5.1f%%", 100 * (t - m) / t) : "    -" }
	END {
		printf "%-22s %8s %8s %8s %8s\n", "directory", "lines", "covered", "branches", "covered"
		for (k in L) keys[++nk] = k
		for (i = 1; i <= nk; i++) for (j = i + 1; j <= nk; j++) if (keys[j] < keys[i]) { t = keys[i]; keys[i] = keys[j]; keys[j] = t }
		for (i = 1; i <= nk; i++) { k = keys[i]; printf "%-22s %8d %8s %8d %8s\n", (k ~ /\/.*\// ? "  " k : k), L[k], pct(L[k], LM[k]), B[k], pct(B[k], BM[k]) }
		printf "%-22s %8d %8s %8d %8s\n", "total", TL, pct(TL, TLM), TB, pct(TB, TBM)
	}' "$out/report.txt"
exit $fail
