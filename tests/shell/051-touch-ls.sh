touch b a c
ls
ls -1 | wc -l
ls -a | head -2
