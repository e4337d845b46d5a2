echo hello
echo -n "no newline"; echo
echo "a  b" 'c   d' e\ f
printf '%s-%d-%x\n' word 42 255
