printf '3\n1\n2\n3\n1\n' | sort -n | uniq
printf 'b\na\nb\nc\na\n' | sort | uniq -c | sort -rn | head -1
printf 'x 2\ny 10\nz 1\n' | sort -k2 -n
printf 'B\na\nC\n' | sort -f
