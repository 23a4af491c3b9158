#!/usr/bin/env bash
# The README's « Running an instance » path on a fresh data folder, with no SQL and no SMTP:
# serve refuses an unmigrated database; migrate; territory; skills; the first administrator;
# a community; serve; the administrator signs in and reads the outbox; a backup taken while it
# serves is restored into a fresh folder and its chains verify. Needs the debug build.
set -euo pipefail
cd "$(dirname "$0")/.."
fresh=$(mktemp -d /tmp/terreau-fresh.XXXXXX)
port=${TERREAU_FIRST_START_PORT:-8093}
terreau() { TERREAU_DATA_DIR="$fresh" .build/debug/terreau "$@"; }
cleanup() {
  local status=$?
  [ -n "${server:-}" ] && kill "$server" 2>/dev/null
  if [ "$status" != 0 ] && [ -f "$fresh/serve.log" ]; then tail -20 "$fresh/serve.log" >&2; fi
  rm -rf "$fresh"
}
trap cleanup EXIT
# Whether the text in $2 holds $1 (not `command | grep -q`: grep stops reading at the first match,
# and under pipefail the writer's broken pipe fails the step).
has() { grep -qF -- "$1" <<<"$2" || { printf 'missing « %s » in:\n%s\n' "$1" "$2" | head -20; return 1; }; }

if terreau serve --hostname 127.0.0.1 --port "$port" 2>"$fresh/refusal.txt"; then echo "serve started on an unmigrated database"; exit 1; fi
grep -q "terreau migrate -y" "$fresh/refusal.txt" || { cat "$fresh/refusal.txt"; exit 1; }
has "Migrations en attente" "$(terreau migrate --dry-run)"
terreau migrate -y >/dev/null
has "La base est à jour" "$(terreau migrate --dry-run)"
t=Resources/Demo/territory
terreau territory import --regions $t/regions.csv --departements $t/departements.csv --communes $t/communes-38.csv \
  --mouvements $t/mouvements-38.csv --populations $t/populations-38.csv --contours $t/communes-38-isere.geojson --departement 38 >/dev/null
has "rien n'a été enregistré" "$(terreau territory import --regions $t/regions.csv --departements $t/departements.csv \
  --communes $t/communes-38.csv --mouvements $t/mouvements-38.csv --populations $t/populations-38.csv --departement 38 --dry-run)"
terreau skills import >/dev/null
printf 'un jardin partagé au pied des tours\n' >"$fresh/password"
has "Compte d'administration créé" "$(terreau admin create --email admin@exemple.fr --name Alix --password-file "$fresh/password")"
terreau community create --name "Trièves en commun" --communes 38226,38113 --contact bonjour@example.org >/dev/null
if curl -s "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then echo "port $port is already taken"; exit 1; fi
# The binary itself in the background (not the shell function), so that $! is the server.
TERREAU_DATA_DIR="$fresh" .build/debug/terreau serve --hostname 127.0.0.1 --port "$port" >"$fresh/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 120); do curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.5; done
has '"status":"ready"' "$(curl -fsS "http://127.0.0.1:$port/readyz")"
jar="$fresh/cookies"
form=$(curl -fsS -c "$jar" "http://127.0.0.1:$port/connexion")
token=$(sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' <<<"$form" | sed -n 1p)
status=$(curl -s -o /dev/null -w '%{http_code}' -b "$jar" -c "$jar" --data-urlencode "email=admin@exemple.fr" \
  --data-urlencode "password=un jardin partagé au pied des tours" --data-urlencode "_csrf=$token" "http://127.0.0.1:$port/connexion")
[ "$status" = 303 ] || { echo "sign-in answered $status"; exit 1; }
has "Courriels envoyés" "$(curl -fsS -b "$jar" "http://127.0.0.1:$port/admin/courriels")"
has "importés par" "$(curl -fsS "http://127.0.0.1:$port/c/trieves-en-commun/territoire")"
has 'terreau_requests_total{route="signInSubmit",status="3xx"} 1' "$(curl -fsS "http://127.0.0.1:$port/metrics")"
# A backup while the server runs, pruned to the newest, restored into a fresh folder: chains verify.
has "Sauvegarde écrite" "$(terreau backup --to "$fresh/sauvegardes" --keep 1)"
backup=$(ls -d "$fresh"/sauvegardes/terreau-* | tail -n 1)
restored=$(mktemp -d /tmp/terreau-restored.XXXXXX)
has "restaurée" "$(TERREAU_DATA_DIR="$restored" .build/debug/terreau restore "$backup")"
if TERREAU_DATA_DIR="$restored" .build/debug/terreau restore "$backup" 2>/dev/null; then echo "restore wrote over a database that is not empty"; exit 1; fi
has "intact" "$(TERREAU_DATA_DIR="$restored" .build/debug/terreau verify toutes)"
rm -rf "$restored"
echo "first start: serve refused an old schema, migrate, territory, skills, administrator, community, sign-in and outbox, backup and restore — no SQL, no SMTP"
