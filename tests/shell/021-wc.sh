printf 'one two\nthree\n' | wc
printf 'one two\nthree\n' | wc -w
printf 'abc' | wc -c
