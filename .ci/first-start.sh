#!/usr/bin/env bash
# The README's « Running an instance » path on a fresh data folder, with no SQL and no SMTP:
# serve refuses an unmigrated database; migrate; territory; skills; the first administrator;
# a community; serve; the administrator signs in and reads the outbox. Needs the debug build.
set -euo pipefail
cd "$(dirname "$0")/.."
fresh=$(mktemp -d /tmp/terreau-fresh.XXXXXX)
port=${TERREAU_FIRST_START_PORT:-8093}
terreau() { TERREAU_DATA_DIR="$fresh" .build/debug/terreau "$@"; }
cleanup() { [ -n "${server:-}" ] && kill "$server" 2>/dev/null; rm -rf "$fresh"; }
trap cleanup EXIT

if terreau serve --hostname 127.0.0.1 --port "$port" 2>"$fresh/refusal.txt"; then echo "serve started on an unmigrated database"; exit 1; fi
grep -q "terreau migrate -y" "$fresh/refusal.txt" || { cat "$fresh/refusal.txt"; exit 1; }
terreau migrate --dry-run | grep -q "Migrations en attente"
terreau migrate -y >/dev/null
terreau migrate --dry-run | grep -q "La base est à jour"
t=Resources/Demo/territory
terreau territory import --regions $t/regions.csv --departements $t/departements.csv --communes $t/communes-38.csv \
  --mouvements $t/mouvements-38.csv --populations $t/populations-38.csv --contours $t/communes-38-isere.geojson --departement 38 >/dev/null
terreau territory import --regions $t/regions.csv --departements $t/departements.csv --communes $t/communes-38.csv \
  --mouvements $t/mouvements-38.csv --populations $t/populations-38.csv --departement 38 --dry-run | grep -q "rien n'a été enregistré"
terreau skills import >/dev/null
printf 'un jardin partagé au pied des tours\n' >"$fresh/password"
terreau admin create --email admin@exemple.fr --name Alix --password-file "$fresh/password" | grep -q "Compte d'administration créé"
terreau community create --name "Trièves en commun" --communes 38226,38113 --contact bonjour@example.org >/dev/null
terreau serve --hostname 127.0.0.1 --port "$port" >"$fresh/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 120); do curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fsS "http://127.0.0.1:$port/readyz" | grep -q '"status":"ready"'
jar="$fresh/cookies"
token=$(curl -fsS -c "$jar" "http://127.0.0.1:$port/connexion" | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
status=$(curl -s -o /dev/null -w '%{http_code}' -b "$jar" -c "$jar" --data-urlencode "email=admin@exemple.fr" \
  --data-urlencode "password=un jardin partagé au pied des tours" --data-urlencode "_csrf=$token" "http://127.0.0.1:$port/connexion")
[ "$status" = 303 ] || { echo "sign-in answered $status"; exit 1; }
curl -fsS -b "$jar" "http://127.0.0.1:$port/admin/courriels" | grep -q "Courriels envoyés"
curl -fsS "http://127.0.0.1:$port/c/trieves-en-commun/territoire" | grep -q "importés par"
echo "first start: serve refused an old schema, migrate, territory, skills, administrator, community, sign-in and outbox — no SQL, no SMTP"
