echo discarded > /dev/null; echo ok
head -c 8 /dev/zero | od -An -tx1
head -c 16 /dev/urandom | wc -c
cat /dev/null | wc -c
