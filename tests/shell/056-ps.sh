ps | grep -q PID && echo header
sleep 5 & p=$!
ps | grep -q "sleep" && echo sleeping
kill $p
