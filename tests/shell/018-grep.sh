printf 'apple\nbanana\ncherry\n' > f
grep an f
grep -c a f
grep -v an f
grep -n -i CHERRY f
grep -E 'ap+le|rry' f
grep -q nothing f || echo no match
