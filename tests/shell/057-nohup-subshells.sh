(sleep 0.1; echo from-sub) &
echo main
wait
echo after
