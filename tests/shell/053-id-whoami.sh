id -u
id -g
whoami
