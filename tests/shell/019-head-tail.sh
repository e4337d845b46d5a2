seq 1 20 > f
head -n 3 f
tail -n 2 f
tail -n +19 f
head -c 5 f | od -c | head -1
