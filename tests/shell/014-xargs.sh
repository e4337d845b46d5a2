seq 1 5 | xargs echo
printf 'a b\nc\n' | xargs -n 1 echo item
seq 1 10 | xargs -n 3 echo | wc -l
