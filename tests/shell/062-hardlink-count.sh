echo x > a; ln a b; ln a c
stat -c %h a
rm b; stat -c %h a
