printf 'abc' | md5sum
printf 'abc' | sha1sum
printf 'abc' | sha256sum
