#!/bin/sh
# init for the benchmark initramfs (MACROHARD and Linux alike). tools/bench.sh
# rewrites the two settings below.
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
BENCH_PROGS="nullsys forkexec pipebw"
BENCH_REPEAT=1
mount -t proc proc /proc 2>/dev/null
echo BENCH-BEGIN
i=0
while [ $i -lt $BENCH_REPEAT ]; do
	for b in $BENCH_PROGS; do /bench/$b; done
	i=$((i + 1))
done
echo BENCH-END
poweroff -f
