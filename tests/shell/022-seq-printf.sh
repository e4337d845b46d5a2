seq 3
seq 2 2 10
seq -s, 1 5
printf '%5s|%-5s|%05d\n' ab cd 42
printf '%c%c\n' x y
printf '%.3f\n' 3.14159
