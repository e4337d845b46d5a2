TZ=UTC date -d '2021-03-04 05:06:07' '+%Y/%m/%d %H:%M:%S'
TZ=UTC date -d @0 '+%Y-%m-%d'
TZ=UTC date -d '2000-02-29' '+%j %a'
