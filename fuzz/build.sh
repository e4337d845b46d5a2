#!/bin/sh
# OSS-Fuzz / ClusterFuzzLite build: every harness from $CC, $CFLAGS and
# $LIB_FUZZING_ENGINE into $OUT, with its seed corpus, dictionary and options.
set -eu
: "${CC:=clang}" "${CFLAGS:=-fsanitize=fuzzer-no-link,address}" "${LIB_FUZZING_ENGINE:=-fsanitize=fuzzer}"
: "${OUT:=build/oss-fuzz}" "${SRC:=$(cd "$(dirname "$0")/.." && pwd)}"
cd "$SRC"
make -j"$(nproc)" FUZZ_CC="$CC" FUZZ_CFLAGS="$CFLAGS -fno-omit-frame-pointer" \
	FUZZ_ENGINE="$LIB_FUZZING_ENGINE $CFLAGS" FUZZ_OUT="$OUT/obj" fuzz-build
for h in syscalls elf cpio path vmexit; do
	cp "$OUT/obj/$h" "$OUT/macrohard_$h"
	if [ -d "fuzz/corpus/$h" ]; then (cd "fuzz/corpus/$h" && zip -q -r "$OUT/macrohard_${h}_seed_corpus.zip" .); fi
	if [ -f "fuzz/$h/$h.dict" ]; then cp "fuzz/$h/$h.dict" "$OUT/macrohard_$h.dict"; fi
	if [ -f "fuzz/$h/$h.options" ]; then cp "fuzz/$h/$h.options" "$OUT/macrohard_$h.options"; fi
done
