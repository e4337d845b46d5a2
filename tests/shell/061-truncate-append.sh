printf 'abcdef' > f
truncate -s 3 f 2>/dev/null && cat f && echo
: > f; wc -c < f
