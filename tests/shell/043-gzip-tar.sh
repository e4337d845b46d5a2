mkdir t; echo content > t/file
tar cf t.tar t; rm -r t; tar xf t.tar; cat t/file
echo compress me > z; gzip z; ls z.gz; gunzip z.gz; cat z
