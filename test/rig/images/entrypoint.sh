#!/bin/bash
# The rig's database images behave like the official `mysql` image, on MySQL
# and on MariaDB alike. First run: initialise the data directory, create
# MYSQL_DATABASE / MYSQL_USER, load the time zone tables, run
# /docker-entrypoint-initdb.d/*.sql|*.sql.gz|*.sh, exactly once, on a server
# that listens on its socket only (so TCP healthchecks stay red until done).
set -euo pipefail
DATADIR=/var/lib/mysql
SOCKET=/run/mysqld/mysqld.sock
if command -v mariadbd >/dev/null; then
  SERVER=mariadbd CLIENT=mariadb ADMIN=mariadb-admin
  initialise() { mariadb-install-db --user=mysql --datadir="$DATADIR" --auth-root-authentication-method=normal --skip-test-db >/dev/null; }
else
  SERVER=mysqld CLIENT=mysql ADMIN=mysqladmin
  initialise() { mysqld --initialize-insecure --user=mysql --datadir="$DATADIR"; }
fi
mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld "$DATADIR"

if [ ! -d "$DATADIR/mysql" ]; then
  : "${MYSQL_ROOT_PASSWORD:?MYSQL_ROOT_PASSWORD must be set}"
  echo "[entrypoint] initialising the data directory"
  initialise
  "$SERVER" --user=mysql --datadir="$DATADIR" --skip-networking --socket="$SOCKET" &
  pid=$!
  for _ in $(seq 1 120); do "$ADMIN" --socket="$SOCKET" -uroot ping --silent 2>/dev/null && break; sleep 0.5; done
  sql() { "$CLIENT" --protocol=socket --socket="$SOCKET" -uroot "$@"; }
  if [ -d /usr/share/zoneinfo ]; then mysql_tzinfo_to_sql /usr/share/zoneinfo 2>/dev/null | sql mysql; fi
  {
    printf "ALTER USER 'root'@'localhost' IDENTIFIED BY '%s';\n" "${MYSQL_ROOT_PASSWORD//\'/\'\'}"
    printf "CREATE USER IF NOT EXISTS 'root'@'%%' IDENTIFIED BY '%s';\n" "${MYSQL_ROOT_PASSWORD//\'/\'\'}"
    printf "GRANT ALL ON *.* TO 'root'@'%%' WITH GRANT OPTION;\n"
    # MariaDB's install-db makes password-less root@127.0.0.1, @::1 and @<hostname>, which would shadow root@'%' over TCP
    printf "DROP USER IF EXISTS 'root'@'127.0.0.1', 'root'@'::1', 'root'@'%s';\n" "$(hostname)"
    if [ -n "${MYSQL_DATABASE:-}" ]; then
      printf 'CREATE DATABASE IF NOT EXISTS `%s`;\n' "$MYSQL_DATABASE"
    fi
    if [ -n "${MYSQL_USER:-}" ] && [ -n "${MYSQL_PASSWORD:-}" ]; then
      printf "CREATE USER '%s'@'%%' IDENTIFIED BY '%s';\n" "$MYSQL_USER" "${MYSQL_PASSWORD//\'/\'\'}"
      [ -n "${MYSQL_DATABASE:-}" ] && printf 'GRANT ALL ON `%s`.* TO '"'%s'@'%%'"';\n' "$MYSQL_DATABASE" "$MYSQL_USER"
    fi
    printf 'FLUSH PRIVILEGES;\n'
  } | sql
  export MYSQL_PWD="$MYSQL_ROOT_PASSWORD"
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sql)    echo "[entrypoint] running $f"; sql ${MYSQL_DATABASE:+"$MYSQL_DATABASE"} < "$f" ;;
      *.sql.gz) echo "[entrypoint] running $f"; gunzip -c "$f" | sql ${MYSQL_DATABASE:+"$MYSQL_DATABASE"} ;;
      *.sh)     echo "[entrypoint] running $f"; . "$f" ;;
    esac
  done
  unset MYSQL_PWD
  kill "$pid"; wait "$pid" || true
  echo "[entrypoint] initialisation done"
fi

if [ "$1" = mysqld ] || [ "$1" = mariadbd ]; then
  shift
  exec "$SERVER" --user=mysql --datadir="$DATADIR" "$@"
fi
exec "$@"
