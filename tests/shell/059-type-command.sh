command -v sh >/dev/null && echo have sh
type echo | grep -q builtin && echo echo builtin
which ls >/dev/null && echo have ls
