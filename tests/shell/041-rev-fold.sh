echo abcdef | rev
echo abcdefghij | fold -w 4
echo "one two three" | tr ' ' '\n' | tac
