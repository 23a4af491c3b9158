#!/usr/bin/env bash
# Starts a throw-away PostgreSQL cluster on 127.0.0.1:$PGPORT (trust auth, loopback only) and
# prints the URL the tests use. Needs Debian's postgresql package.
set -euo pipefail
PGPORT=${PGPORT:-55432}
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
dir=$(mktemp -d /tmp/terreau-pg.XXXXXX)
chown postgres "$dir"
runuser -u postgres -- "$bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log"
runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $dir -c fsync=on -c max_connections=200" start >/dev/null
echo "$dir" > /tmp/terreau-pg.dir
echo "postgres://postgres@127.0.0.1:$PGPORT/postgres?sslmode=disable"
