#!/bin/bash
# First run: initialise the data directory, create MYSQL_DATABASE / MYSQL_USER,
# load the time zone tables, run /docker-entrypoint-initdb.d/*.sql|*.sql.gz|*.sh,
# exactly once, on a server that listens on its socket only (so TCP
# healthchecks stay red until done). As the official mysql image does.
set -euo pipefail
DATADIR=/var/lib/mysql
SOCKET=/run/mysqld/mysqld.sock
mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld "$DATADIR"

if [ ! -d "$DATADIR/mysql" ]; then
  : "${MYSQL_ROOT_PASSWORD:?MYSQL_ROOT_PASSWORD must be set}"
  echo "[entrypoint] initialising the data directory"
  mysqld --initialize-insecure --user=mysql --datadir="$DATADIR"
  mysqld --user=mysql --datadir="$DATADIR" --skip-networking --socket="$SOCKET" &
  pid=$!
  for _ in $(seq 1 120); do mysqladmin --socket="$SOCKET" -uroot ping --silent 2>/dev/null && break; sleep 0.5; done
  sql() { mysql --protocol=socket --socket="$SOCKET" -uroot "$@"; }
  mysql_tzinfo_to_sql /usr/share/zoneinfo 2>/dev/null | sql mysql
  {
    printf "ALTER USER 'root'@'localhost' IDENTIFIED BY '%s';\n" "${MYSQL_ROOT_PASSWORD//\'/\'\'}"
    printf "CREATE USER IF NOT EXISTS 'root'@'%%' IDENTIFIED BY '%s';\n" "${MYSQL_ROOT_PASSWORD//\'/\'\'}"
    printf "GRANT ALL ON *.* TO 'root'@'%%' WITH GRANT OPTION;\n"
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
  exec mysqld --user=mysql --datadir="$DATADIR" "$@"
fi
exec "$@"
