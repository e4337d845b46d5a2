cat <<END
line one
value $((1+1))
END
cat <<'END'
literal $HOME
END
read a b <<END
first second
END
echo "$b $a"
