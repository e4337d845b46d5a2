seq 1 20000 > big
wc -l < big
tail -n 1 big
awk '{s+=$1} END {print s}' big
sort -rn big | head -n 1
