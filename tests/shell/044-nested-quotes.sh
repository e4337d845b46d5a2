a="it's"; echo "$a" 'say "hi"' "back\\slash" "dollar \$x"
echo "$(echo "inner \"quoted\"")"
