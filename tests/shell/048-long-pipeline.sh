seq 1 1000 | grep 1 | sed 's/1/one/' | sort | uniq | wc -l
yes | head -n 3
