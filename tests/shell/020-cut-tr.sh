echo "a,b,c,d" | cut -d, -f2,4
echo abcdef | cut -c2-4
echo hello | tr a-z A-Z
echo "a  b   c" | tr -s ' '
echo hello | tr -d l
