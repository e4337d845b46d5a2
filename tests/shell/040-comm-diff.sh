printf 'a\nb\nc\n' > x; printf 'b\nc\nd\n' > y
diff x y | grep "^[-+][a-z]"
diff -u x y | tail -n 4
cmp -s x x && echo same
cmp -s x y || echo differ
