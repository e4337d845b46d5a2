#!/bin/sh
# Compiles portable code with the bare-metal flags (-ffreestanding -nostdinc),
# and proves those flags reject a libc include.
#   freestanding.sh CC "FLAGS" OUTDIR SOURCES...
set -u
cc=$1 flags=$2 out=$3
shift 3
mkdir -p "$out"
fail=0
n=0
for src in "$@"; do
	obj="$out/$(echo "$src" | tr / _).o"
	# shellcheck disable=SC2086
	if ! $cc $flags -c "$src" -o "$obj" 2>"$obj.err"; then
		echo "FAIL freestanding: $src"
		sed 's/^/    /' "$obj.err" | head -10
		fail=1
	fi
	n=$((n + 1))
done
probe="$out/libc-probe.c"
printf '#include <stdio.h>\nint probe(void);\nint probe(void) { return 0; }\n' > "$probe"
# shellcheck disable=SC2086
if $cc $flags -c "$probe" -o "$out/libc-probe.o" 2>/dev/null; then
	echo "FAIL freestanding: the flags accept #include <stdio.h>, so they prove nothing"
	fail=1
fi
[ $fail -eq 0 ] && echo "ok   freestanding: $n portable files built with -ffreestanding -nostdinc; a libc include is rejected"
exit $fail
