grep -q '^Name:' /proc/self/status && echo status ok
grep -q MemTotal /proc/meminfo && echo meminfo ok
cat /proc/self/cmdline | tr '\0' ' '; echo
cut -d' ' -f2 /proc/self/stat
grep '^Name' /proc/self/status
