echo data | tee f | tr a-z A-Z
cat f
echo more | tee -a f >/dev/null; wc -l < f
