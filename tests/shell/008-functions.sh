f() { echo "f called with $#: $*"; return 7; }
f a b; echo $?
g() { local v=inner; echo $v; }; v=outer; g; echo $v
fact() { if [ $1 -le 1 ]; then echo 1; else echo $(( $1 * $(fact $(( $1 - 1 ))) )); fi; }
fact 6
