A=1; B="two words"
echo "$A $B ${A}x ${C:-default} ${#B}"
export E=exported
sh -c 'echo $E'
unset A; echo "[${A}]"
set -- x y z; echo $# $2 "$@"
