s=hello.world.txt
echo ${s%.txt} ${s%%.*} ${s#*.} ${s##*.}
echo ${#s}
t=abcabc; echo ${t/b/X} 
echo "$s" | cut -d. -f2
