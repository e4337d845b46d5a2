printf 'a 1\nb 2\nc 3\n' | awk '{s+=$2} END {print s, NR}'
echo "x:y:z" | awk -F: '{print $2, NF}'
awk 'BEGIN { for (i=1;i<=3;i++) printf "%d ", i*i; print "" }'
printf 'k v1\nk v2\nj v3\n' | awk '{a[$1]=a[$1] $2} END {print a["k"], a["j"]}'
