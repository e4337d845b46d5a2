# The shell's own "Terminated" notice races with wait; only the statuses count.
( sleep 10 & p=$!; kill $p; wait $p; echo "status $?" ) 2>/dev/null
( sleep 10 & p=$!; kill -9 $p; wait $p; echo "status $?" ) 2>/dev/null
( sleep 10 & p=$!; kill -USR1 $p; wait $p; echo "status $?" ) 2>/dev/null
