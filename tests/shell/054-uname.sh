uname -m
uname -s
