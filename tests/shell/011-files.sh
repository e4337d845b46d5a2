mkdir -p d/e/f; touch d/e/f/g
ls -R d | sort
cp d/e/f/g h; mv h i; ls i
rm -r d; ls d 2>/dev/null || echo gone
ln -s i j; readlink j; cat j >/dev/null && echo link ok
ln i k; ls -l k | awk '{print $2}'
