mkdir -p x/y
cd x/y; basename "$(pwd)"
cd ..; basename "$PWD"
cd -  >/dev/null; basename "$PWD"
cd /; pwd
