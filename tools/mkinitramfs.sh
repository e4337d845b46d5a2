#!/bin/sh
# Builds the initramfs: Debian's busybox-static with a link per applet, the
# init script, and optional extra files, as a cpio (newc) archive.
#   mkinitramfs.sh OUT.cpio [DIR-TO-ADD ...]
# Each extra DIR's contents are copied to the archive's root.
set -eu
out=$1
shift
busybox=${BUSYBOX:-/bin/busybox}
here=$(cd "$(dirname "$0")/.." && pwd)
if [ ! -x "$busybox" ]; then
	echo "mkinitramfs: $busybox is missing: install busybox-static (tools/deps.sh)" >&2
	exit 1
fi
if ! file "$busybox" 2>/dev/null | grep -q 'statically linked'; then
	case "$(readelf -l "$busybox" 2>/dev/null)" in
	*INTERP*) echo "mkinitramfs: $busybox is not static (install busybox-static)" >&2; exit 1 ;;
	esac
fi
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin" "$root/etc" "$root/proc" "$root/dev" \
	"$root/tmp" "$root/root"
cp "$busybox" "$root/bin/busybox"
for applet in $("$busybox" --list-full); do
	[ "$applet" = bin/busybox ] && continue
	mkdir -p "$root/$(dirname "$applet")"
	ln -sf /bin/busybox "$root/$applet"
done
cp "$here/userland/init" "$root/init"
chmod 755 "$root/init"
cp "$here/userland/motd" "$root/etc/motd"
for extra in "$@"; do
	cp -R "$extra/." "$root/"
done
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) > "$out.tmp"
mv "$out.tmp" "$out"
