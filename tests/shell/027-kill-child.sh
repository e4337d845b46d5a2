sleep 10 & p=$!
kill $p
wait $p; echo "status $?"
sleep 10 & p=$!
kill -9 $p
wait $p; echo "status $?"
