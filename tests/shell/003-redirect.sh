echo one > f
echo two >> f
cat f
cat < f | wc -l
echo err 1>&2 2>/dev/null
ls nonexistent 2>/dev/null || echo "ls failed as expected"
exec 3>g; echo via3 >&3; exec 3>&-; cat g
