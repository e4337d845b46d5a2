mkdir -p a/b/c; touch a/x.txt a/b/y.txt a/b/c/z.log
find a -name '*.txt' | sort
find a -type d | sort
find a -name '*.log' -exec echo found {} \;
