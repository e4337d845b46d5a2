for x in 1 5 9; do
  if [ $x -lt 3 ]; then echo small; elif [ $x -lt 7 ]; then echo mid; else echo big; fi
done
case foo.txt in *.c) echo c;; *.txt) echo txt;; esac
[ -z "" ] && echo empty
[ abc = abc ] && [ 3 -ge 3 ] && echo eq
