#!/bin/sh
# Turns the kernel's syscall table (include/kern/syscalls.def) into a C
# table for user-space test programs: one {nr, name, nargs, kinds[6]} per
# implemented syscall (SYSCALL lines; SYSCALL_UNIMPL ones are left out).
# Kinds become K_<KIND>, an unused argument K__.
#   gen-syscall-table.sh include/kern/syscalls.def > header.h
set -eu
def=$1
echo "/* Generated from $def by tools/gen-syscall-table.sh; do not edit. */"
sed -n 's/^SYSCALL(\(.*\))[[:space:]]*$/\1/p' "$def" | tr -d ' ' | awk -F, '
NF != 9 { print "gen-syscall-table: bad line: " $0 > "/dev/stderr"; exit 1 }
{ printf "{%s, \"%s\", %s, {K_%s, K_%s, K_%s, K_%s, K_%s, K_%s}},\n", $1, $2, $3, $4, $5, $6, $7, $8, $9 }'
