sh -c 'echo "$0 $1 $2"' zero one two
sh -c 'exit $(( $1 + $2 ))' x 3 4; echo $?
