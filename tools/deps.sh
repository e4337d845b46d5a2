#!/bin/sh
# Installs the Debian packages MACROHARD's build and tests need. Idempotent:
# does nothing when everything is present. As root it installs; otherwise
# it prints the exact command to run.
#   tools/deps.sh [--quiet] [--check] [--bench]
#     --quiet  print nothing when all is present
#     --check  only report; exit 1 if something is missing
#     --bench  also what `make bench` needs (nothing beyond the rest today)
set -eu

PACKAGES="
build-essential
clang
clang-format
check
libsubunit-dev
pkg-config
valgrind
gdb
qemu-system-x86
grub-common
grub-pc-bin
grub-efi-amd64-bin
xorriso
mtools
ovmf
cpio
libcapstone-dev
libclang-rt-14-dev
libelf-dev
busybox-static
musl-tools
tmux
afl++
linux-image-cloud-amd64
bochs
bochsbios
vgabios
bochs-term
"
# linux-image-cloud-amd64: the Linux guest that test-baremetal boots under
# SVM (tests/scripts/linux-guest.sh) and `make bench` times; only its files
# are used, the host does not boot it.
# bochs, bochsbios, vgabios, bochs-term: an emulated Intel CPU with VMX for
# the VMX backend (tests/scripts/bochs-vmx.sh; the term display is the only
# one Debian builds without X).

# Only `make bench` needs these.
BENCH_PACKAGES=""

quiet=0
check_only=0
for arg in "$@"; do
	case "$arg" in
	--quiet) quiet=1 ;;
	--check) check_only=1 ;;
	--bench) PACKAGES="$PACKAGES $BENCH_PACKAGES" ;;
	*) echo "usage: $0 [--quiet] [--check] [--bench]" >&2; exit 2 ;;
	esac
done

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	[ "$quiet" = 1 ] || echo "deps: all build and test dependencies are installed"
	exit 0
fi

cmd="apt-get install -y --no-install-recommends$missing"
if [ "$check_only" = 1 ]; then
	echo "deps: missing:$missing" >&2
	exit 1
fi
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages:$missing" >&2
	echo "deps: run as root: apt-get update && $cmd" >&2
	exit 1
fi
echo "deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
