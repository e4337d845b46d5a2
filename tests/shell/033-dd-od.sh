printf 'ABCDEFGH' > f
dd if=f bs=2 skip=1 count=2 2>/dev/null; echo
od -An -tx1 f
dd if=/dev/zero bs=512 count=2 2>/dev/null | wc -c
