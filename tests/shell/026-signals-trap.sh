trap 'echo caught USR1' USR1
kill -USR1 $$
trap 'echo on exit' EXIT
echo before exit
