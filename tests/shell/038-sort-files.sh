printf 'z\ny\nx\n' > a; printf 'c\nb\n' > b
sort a b
sort -r a | head -1
sort -u a a | wc -l
