false | true; echo $?
true | false; echo $?
echo x | grep -q y; echo $?
