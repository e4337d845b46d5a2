sleep 0.2 & p=$!
wait $p; echo "waited $?"
(exit 5) & wait $!; echo "status $?"
sleep 0.1 & sleep 0.1 & wait; echo all done
