d=$(mktemp -d); [ -d "$d" ] && echo made
touch "$d/f"; rm -rf "$d"; [ -e "$d" ] || echo removed
