ps | grep -q PID && echo header
sleep 5 & p=$!
# The child shows up as sleep once it has exec'd: give it a moment.
for i in 1 2 3 4 5 6 7 8 9 10; do ps | grep -q '[s]leep 5' && break; sleep 0.2; done
ps | grep -q '[s]leep 5' && echo sleeping
kill $p
