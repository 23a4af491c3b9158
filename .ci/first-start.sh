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
# A second département after the first: Isère and the community on it stay whole (they
# were erased before: issue 20).
f=Tests/Fixtures/territory-73
terreau territory import --regions $t/regions.csv --departements $t/departements.csv --communes $f/communes-73.csv \
  --mouvements $f/mouvements-73.csv --populations $f/populations-73.csv --departement 73 >/dev/null
has "2 commune(s)" "$(terreau community list)"
if curl -s "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then echo "port $port is already taken"; exit 1; fi
# The binary itself in the background (not the shell function), so that $! is the server.
TERREAU_DATA_DIR="$fresh" .build/debug/terreau serve --hostname 127.0.0.1 --port "$port" >"$fresh/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 120); do curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.5; done
has '"status":"ready"' "$(curl -fsS "http://127.0.0.1:$port/readyz")"
# submit JAR PAGE ACTION name=value…: fills the form as a browser would (the page's hidden fields,
# its CSRF token among them, then the given ones) and prints the answer's status.
submit() {
  local jar=$1 page=$2 action=$3 fields=()
  shift 3
  while IFS=$'\t' read -r name value; do fields+=(--data-urlencode "$name=$value"); done < <(
    curl -fsS -b "$jar" -c "$jar" "http://127.0.0.1:$port$page" |
      sed -n 's/.*<input type="hidden" name="\([^"]*\)" value="\([^"]*\)".*/\1\t\2/p' | awk -F'\t' '!seen[$1]++')
  for pair in "$@"; do fields+=(--data-urlencode "$pair"); done
  curl -s -o "$fresh/answer.html" -w '%{http_code}' -b "$jar" -c "$jar" "${fields[@]}" "http://127.0.0.1:$port$action"
}
expect() { [ "$1" = "$2" ] || { echo "$3 answered $1, not $2"; sed 's/<[^>]*>//g' "$fresh/answer.html" | grep -v '^\s*$' | head -30; exit 1; }; }
jar="$fresh/cookies"
expect "$(submit "$jar" /connexion /connexion email=admin@exemple.fr "password=un jardin partagé au pied des tours")" 303 "the administrator's sign-in"
has "Courriels envoyés" "$(curl -fsS -b "$jar" "http://127.0.0.1:$port/admin/courriels")"
# From /admin, a community on both départements; Camille joins it (her account confirmed from the
# command line, no mail server), then the administrator makes her its coordinator.
expect "$(submit "$jar" /admin /admin/communautes "name=Entremont en commun" communes=38446,73274 departements= \
  contact=bonjour@example.org rules=consentement)" 303 "the community's creation at /admin"
has "2 communes" "$(curl -fsS "http://127.0.0.1:$port/c/entremont-en-commun/territoire" | sed 's/<[^>]*>//g')"
camille="$fresh/camille"
expect "$(submit "$camille" /inscription /inscription display_name=Camille email=camille@exemple.fr \
  "password=les cerisiers du chemin creux" consent_email=yes)" 200 "Camille's sign-up"
has "Vérifiez votre boîte aux lettres" "$(cat "$fresh/answer.html")"
has "confirmé" "$(terreau account confirm camille@exemple.fr)"
expect "$(submit "$camille" /connexion /connexion email=camille@exemple.fr "password=les cerisiers du chemin creux")" 303 "Camille's sign-in"
expect "$(submit "$camille" /c/entremont-en-commun/rejoindre /c/entremont-en-commun/rejoindre actor_kind=resident accept_charter=yes)" 303 "Camille joining"
[ "$(curl -s -o /dev/null -w '%{http_code}' -b "$camille" "http://127.0.0.1:$port/c/entremont-en-commun/courriels")" = 403 ] || {
  echo "a member who is not a coordinator read the community's mail"; exit 1; }
expect "$(submit "$jar" /admin /admin/roles email=camille@exemple.fr community=entremont-en-commun role=coordinator)" 303 "the role given at /admin"
[ "$(curl -s -o /dev/null -w '%{http_code}' -b "$camille" "http://127.0.0.1:$port/c/entremont-en-commun/courriels")" = 200 ] || {
  echo "the new coordinator cannot read the community's mail"; exit 1; }
has "importés par" "$(curl -fsS "http://127.0.0.1:$port/c/trieves-en-commun/territoire")"
has 'terreau_requests_total{route="signInSubmit",status="3xx"} 2' "$(curl -fsS "http://127.0.0.1:$port/metrics")"
# A backup while the server runs, pruned to the newest, restored into a fresh folder: chains verify.
has "Sauvegarde écrite" "$(terreau backup --to "$fresh/sauvegardes" --keep 1)"
backup=$(ls -d "$fresh"/sauvegardes/terreau-* | tail -n 1)
restored=$(mktemp -d /tmp/terreau-restored.XXXXXX)
has "restaurée" "$(TERREAU_DATA_DIR="$restored" .build/debug/terreau restore "$backup")"
if TERREAU_DATA_DIR="$restored" .build/debug/terreau restore "$backup" 2>/dev/null; then echo "restore wrote over a database that is not empty"; exit 1; fi
has "intact" "$(TERREAU_DATA_DIR="$restored" .build/debug/terreau verify toutes)"
rm -rf "$restored"
echo "first start: serve refused an old schema, migrate, two départements, skills, administrator, communities (command line and /admin), a coordinator named at /admin, backup and restore — no SQL, no SMTP"
