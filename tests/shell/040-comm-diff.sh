printf 'a\nb\nc\n' > x; printf 'b\nc\nd\n' > y
comm -12 x y
comm -3 x y | tr -d '\t'
cmp -s x x && echo same
cmp -s x y || echo differ
