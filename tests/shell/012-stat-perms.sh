echo x > f
chmod 640 f; stat -c '%a %s %F' f
chmod u+x f; stat -c '%A' f
mkdir dd; chmod 700 dd; stat -c '%a %F' dd
touch -d '2020-01-02 03:04:05' f; date -r f '+%Y-%m-%d %H:%M:%S' 2>/dev/null || stat -c %y f | cut -c1-19
