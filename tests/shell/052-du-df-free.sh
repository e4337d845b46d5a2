head -c 10000 /dev/zero > f
du -k f | awk '{print ($1 >= 8) ? "ok" : "small"}'
free >/dev/null && echo free ok
df / >/dev/null && echo df ok
