cmd='echo evaluated $((2+3))'; eval "$cmd"
set -e; true; echo still running
set +e; false; echo continued
