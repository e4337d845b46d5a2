exec 4>out.txt
echo through4 >&4
exec 4>&-
cat out.txt
exec 5<out.txt; read line <&5; echo "read: $line"; exec 5<&-
