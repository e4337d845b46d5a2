start=$(date +%s); sleep 1; end=$(date +%s)
[ $((end - start)) -ge 1 ] && echo slept
