true; echo $?
false; echo $?
sh -c 'exit 42'; echo $?
! false; echo $?
( exit 3 ); echo $?
