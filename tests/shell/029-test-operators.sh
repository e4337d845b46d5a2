touch f; mkdir d
[ -f f ] && echo file
[ -d d ] && echo dir
[ -e nope ] || echo missing
[ -s f ] || echo empty
[ 5 -gt 3 -a 2 -lt 4 ] && echo and
[ "$x" ] || echo unset
test abc != abd && echo ne
