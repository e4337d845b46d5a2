echo $((1+2*3)) $((10/3)) $((10%3)) $((2**10)) $(( (5-7) * 3 ))
i=0; while [ $i -lt 5 ]; do i=$((i+1)); done; echo $i
expr 6 \* 7
expr length hello
