#!/usr/bin/env bash
# The package as an administrator installs it: `scripts/package` from CI's debug build; the .deb
# installed on this machine (user, folders, configuration's permissions, units that
# systemd-analyze accepts); `terreau --version`; the README's commands through /usr/bin/terreau,
# which run as the `terreau` user; `serve` from the installed files, as that user; nginx in front
# with the shipped example (self-signed certificate, loopback ports); then removal, which keeps
# the data, and purge; between them, the README's restore and an upgrade over itself. Leaves the
# machine as it found it. Needs root and the debug build.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${TERREAU_PACKAGE_PORT:-8094}
out=$(mktemp -d /tmp/terreau-dist.XXXXXX)
proxy=$(mktemp -d /tmp/terreau-proxy.XXXXXX)
has() { grep -qF -- "$1" <<<"$2" || { printf 'missing « %s » in:\n%s\n' "$1" "$2" | head -20; return 1; }; }
cleanup() {
  local status=$?
  [ -n "${server:-}" ] && kill "$server" 2>/dev/null
  [ -f "$proxy/nginx.pid" ] && kill "$(cat "$proxy/nginx.pid")" 2>/dev/null
  if [ "$status" != 0 ] && [ -f "$proxy/serve.log" ]; then tail -20 "$proxy/serve.log" >&2; fi
  dpkg -P terreau >/dev/null 2>&1 || true
  userdel terreau 2>/dev/null || true
  rm -rf /var/lib/terreau "$out" "$proxy"
}
trap cleanup EXIT
if dpkg -s terreau >/dev/null 2>&1 || getent passwd terreau >/dev/null || [ -e /var/lib/terreau ]; then
  echo "this machine already has a terreau package, user or /var/lib/terreau: not touching them"; exit 1
fi

version=$(sed -n 's/.*static let version = "\([^"]*\)".*/\1/p' Sources/TerreauCore/Operations/BuildInfo.swift)
commit=${TERREAU_COMMIT:-ci}
scripts/package --binary "${TERREAU_PACKAGE_BINARY:-.build/debug/terreau}" --out "$out" --commit "$commit" --fast >/dev/null
tarball="$out/terreau-$version-linux-$(uname -m).tar.gz"
deb="$out/terreau_${version}_$(dpkg --print-architecture).deb"
listing=$(tar -tzf "$tarball")
for entry in bin/terreau Resources/Views/base.leaf Public/css/terreau.css LICENSE BUILD-INFO terreau.env.example \
  systemd/terreau.service systemd/terreau-backup.timer systemd/terreau proxy/nginx.conf proxy/Caddyfile; do
  has "terreau-$version-linux-$(uname -m)/$entry" "$listing"
done

dpkg -i "$deb" >"$proxy/install.log"
has "sudo terreau migrate -y" "$(cat "$proxy/install.log")"
has "/usr/sbin/nologin" "$(getent passwd terreau)"
[ "$(stat -c '%U:%G %a' /var/lib/terreau)" = "terreau:terreau 750" ] || { stat /var/lib/terreau; exit 1; }
[ "$(stat -c '%U:%G %a' /etc/terreau/terreau.env)" = "root:terreau 640" ] || { stat /etc/terreau/terreau.env; exit 1; }
has "terreau $version · commit $commit" "$(terreau --version)"
has "terreau $version" "$(runuser -u nobody -- /usr/bin/terreau --version)"
# The units as systemd reads them (no systemd runs here: the check is offline).
if command -v systemd-analyze >/dev/null; then
  verdict=$(systemd-analyze verify /lib/systemd/system/terreau.service /lib/systemd/system/terreau-backup.service \
    /lib/systemd/system/terreau-backup.timer 2>&1 || true)
  if grep -v -e "Failed to connect" -e "bus" -e "^$" <<<"$verdict" | grep -q .; then echo "$verdict"; exit 1; fi
  has "ProtectSystem=strict" "$(cat /lib/systemd/system/terreau.service)"
fi

# The README's path through /usr/bin/terreau: the files it writes belong to the service's user.
has "Migrations en attente" "$(terreau migrate --dry-run)"
terreau migrate -y >/dev/null
[ "$(stat -c %U /var/lib/terreau/terreau.sqlite)" = terreau ] || { ls -l /var/lib/terreau; exit 1; }
t=$(mktemp -d /tmp/terreau-territory.XXXXXX); cp Resources/Demo/territory/*-38* Resources/Demo/territory/regions.csv \
  Resources/Demo/territory/departements.csv "$t/"; chmod -R a+rX "$t"
terreau territory import --regions "$t/regions.csv" --departements "$t/departements.csv" --communes "$t/communes-38.csv" \
  --mouvements "$t/mouvements-38.csv" --populations "$t/populations-38.csv" --departement 38 >/dev/null
rm -rf "$t"
terreau skills import >/dev/null
chmod a+rx "$proxy"; printf 'un verger partagé sur la colline\n' >"$proxy/password"; chmod a+r "$proxy/password"
has "Compte d'administration créé" "$(terreau admin create --email admin@exemple.fr --name Alix --password-file "$proxy/password")"
terreau community create --name "Trièves en commun" --communes 38226,38113 >/dev/null

# serve from the installed files, as the unit runs it: the terreau user, /var/lib/terreau, the
# configuration file, the public address of the proxy in front.
cat >>/etc/terreau/terreau.env <<ENV
TERREAU_PUBLIC_URL=https://localhost:$((port + 1))
TERREAU_TRUST_PROXY=1
ENV
(cd /var/lib/terreau && set -a && . /etc/terreau/terreau.env && set +a &&
  exec runuser -u terreau -- /opt/terreau/bin/terreau serve --hostname 127.0.0.1 --port "$port") >"$proxy/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 120); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.5; done
has '"status":"ready"' "$(curl -fsS "http://127.0.0.1:$port/readyz")"
if ! pgrep -u terreau -f "^/opt/terreau/bin/terreau serve" >/dev/null || pgrep -u root -f "^/opt/terreau/bin/terreau serve" >/dev/null; then
  echo "serve does not run as the terreau user"; ps -eo user,args | grep "[t]erreau serve"; exit 1
fi

# nginx in front, with the shipped example: the name, ports and certificate changed, nothing else.
if command -v nginx >/dev/null; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost -keyout "$proxy/key.pem" -out "$proxy/cert.pem" 2>/dev/null
  sed -e "s/terreau.example.org/localhost/g" -e "s/listen 80;/listen 127.0.0.1:$((port + 2));/" -e "/listen \[::\]/d" \
      -e "s/listen 443 ssl http2;/listen 127.0.0.1:$((port + 1)) ssl http2;/" -e "s#127.0.0.1:8080#127.0.0.1:$port#" \
      -e "s#/etc/letsencrypt/live/localhost/fullchain.pem#$proxy/cert.pem#" -e "s#/etc/letsencrypt/live/localhost/privkey.pem#$proxy/key.pem#" \
      /opt/terreau/proxy/nginx.conf >"$proxy/site.conf"
  cat >"$proxy/nginx.conf" <<NGINX
pid $proxy/nginx.pid;
error_log $proxy/error.log;
events {}
http { access_log off; client_body_temp_path $proxy; proxy_temp_path $proxy; include $proxy/site.conf; }
NGINX
  nginx -c "$proxy/nginx.conf"
  https="https://localhost:$((port + 1))"
  [ "$(curl -sk -o /dev/null -w '%{http_code} %{redirect_url}' "http://127.0.0.1:$((port + 2))/connexion" -H 'Host: localhost')" = \
    "301 https://localhost/connexion" ] || { echo "http is not sent to https"; exit 1; }
  headers=$(curl -sk -D - -o /dev/null "$https/connexion")
  has "strict-transport-security" "${headers,,}"
  has "; secure" "${headers,,}"
  [ "$(curl -sk -o /dev/null -w '%{http_code}' "$https/metrics")" = 404 ] || { echo "/metrics is open through the proxy"; exit 1; }
  has '"status":"ready"' "$(curl -fsSk "$https/readyz")"
else
  echo "no nginx: the proxy example is not exercised"
fi
kill "$server"; wait "$server" 2>/dev/null || true; server=""

# The README's restore, through /usr/bin/terreau: back up, move the database aside, restore, verify.
has "Sauvegarde écrite" "$(terreau backup --keep 14)"
backup=$(ls -d /var/lib/terreau/sauvegardes/terreau-* | tail -n 1)
mv /var/lib/terreau/terreau.sqlite /var/lib/terreau/terreau.sqlite.old
has "restaurée" "$(terreau restore "$backup")"
has "intact" "$(terreau verify toutes)"
has "Trièves en commun" "$(terreau community list)"
[ "$(stat -c %U /var/lib/terreau/terreau.sqlite)" = terreau ] || { ls -l /var/lib/terreau; exit 1; }

# Installing the package again (an upgrade) keeps the configuration as edited and the data.
dpkg -i "$deb" >/dev/null
has "TERREAU_TRUST_PROXY=1" "$(cat /etc/terreau/terreau.env)"
has "Trièves en commun" "$(terreau community list)"

# Removal keeps the data; purge removes the configuration, and still keeps the data.
dpkg -r terreau >/dev/null 2>"$proxy/remove.log"  # « /opt not empty »: the system's other packages
[ ! -e /opt/terreau ] && [ ! -e /usr/bin/terreau ] && [ ! -e /lib/systemd/system/terreau.service ] || { echo "dpkg -r left files"; exit 1; }
[ -f /var/lib/terreau/terreau.sqlite ] && [ -f /etc/terreau/terreau.env ] || { echo "dpkg -r removed data or configuration"; exit 1; }
dpkg -P terreau >/dev/null 2>>"$proxy/remove.log"
[ ! -e /etc/terreau ] && [ -f /var/lib/terreau/terreau.sqlite ] || { echo "purge: configuration left, or data removed"; exit 1; }
echo "package: $(basename "$deb") ($(du -m "$deb" | cut -f1) MB) installed, migrated, served as terreau behind nginx over HTTPS, removed (data kept)"
