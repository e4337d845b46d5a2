echo hello | sed s/h/j/
printf 'b\na\nc\n' | sort | head -n 2
seq 1 100 | grep 7 | wc -l
