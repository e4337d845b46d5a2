echo hello world | sed 's/o/0/g'
printf 'a\nb\nc\n' | sed -n '2p'
printf 'a\nb\nc\n' | sed '1d'
echo abc | sed -e 's/\(b\)/[\1]/' -e 'y/ac/AC/'
printf 'x\ny\n' > f; sed -i 's/x/X/' f; cat f
