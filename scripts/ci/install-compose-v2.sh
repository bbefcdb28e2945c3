#!/usr/bin/env bash
# Installs Compose v2 as the docker CLI plugin, from Debian trixie's
# docker-compose package (2.26; the plugin binary links only against libc, so it
# runs on Debian 12). The package is fetched through a temporary sources entry
# on the machine's own mirror, unpacked with dpkg -x, and the entry removed
# again, so nothing else on the machine ever comes from trixie. Idempotent.
set -euo pipefail
PLUGIN=/usr/libexec/docker/cli-plugins/docker-compose
if [ -x "$PLUGIN" ] && "$PLUGIN" version >/dev/null 2>&1; then exit 0; fi

mirror=$(bash "$(dirname "$0")/debian-mirror.sh")
entry=/etc/apt/sources.list.d/dual-env-compose-v2-trixie.list
work=$(mktemp -d) && chmod 0755 "$work"   # apt downloads as _apt
cleanup() {
  rm -rf "$work"
  if [ -f "$entry" ]; then rm -f "$entry"; apt-get update -qq || true; fi
}
trap cleanup EXIT

echo "deb $mirror trixie main" > "$entry"
apt-get update -qq
(cd "$work" && apt-get download -qq docker-compose/trixie)
dpkg -x "$work"/docker-compose_*.deb "$work/root"
install -D -m 0755 "$work/root$PLUGIN" "$PLUGIN"
"$PLUGIN" version
