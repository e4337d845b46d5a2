for i in a b c; do printf "%s" $i; done; echo
n=0; until [ $n -ge 3 ]; do n=$((n+1)); done; echo $n
for i in 1 2 3 4 5; do [ $i -eq 2 ] && continue; [ $i -eq 4 ] && break; echo $i; done
seq 3 | while read l; do echo "line $l"; done
