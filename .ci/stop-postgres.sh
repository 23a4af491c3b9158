#!/usr/bin/env bash
set -u
[ -f /tmp/terreau-pg.dir ] || exit 0
dir=$(cat /tmp/terreau-pg.dir)
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1
rm -rf "$dir" /tmp/terreau-pg.dir
