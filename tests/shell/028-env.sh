X=42 env | grep '^X='
env -i A=b env
FOO=bar sh -c 'echo $FOO'
echo ${UNSET_VAR:-fallback}
