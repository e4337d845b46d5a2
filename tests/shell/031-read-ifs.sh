echo "a:b:c" | { IFS=: read x y z; echo "$z $y $x"; }
IFS=, ; set -- 1,2,3; echo $2; IFS=' '
printf 'p q\n' | { read -r first rest; echo "[$first][$rest]"; }
