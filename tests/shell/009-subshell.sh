x=1; (x=2; echo in $x); echo out $x
echo $(echo nested $(echo deep))
y=`echo backticks`; echo $y
{ echo group1; echo group2; } | wc -l
