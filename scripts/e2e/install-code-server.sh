#!/usr/bin/env bash
# Installs a real VS Code for the e2e and extension-host suites: code-server from npm
# into a cache folder outside the project's dependencies (.vscode-test/, git-ignored),
# plus the Debian packages it and the headless browser need. Idempotent: a second run
# only checks. Prints the code-server binary's path as its last line.
set -euo pipefail
cd "$(dirname "$0")/../.."

# 4.100.3 (VS Code 1.100.3) is the newest code-server that runs on Node 20;
# engines.vscode in package.json must allow it.
CODE_SERVER_VERSION=4.100.3
CACHE=${DUAL_ENV_VSCODE_CACHE:-$PWD/.vscode-test}
INSTALL_DIR=$CACHE/code-server-$CODE_SERVER_VERSION
BIN=$INSTALL_DIR/node_modules/.bin/code-server
say() { printf '[code-server] %s\n' "$*" >&2; }
die() { printf '[code-server] %s\n' "$*" >&2; exit 1; }

# Compiler and Kerberos headers for code-server's native modules, Debian's rg (its
# pinned @vscode/ripgrep would download one from GitHub), the browser and a font.
PKGS="build-essential python3 libkrb5-dev ripgrep chromium fonts-liberation"
missing=$(for p in $PKGS; do dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' || echo "$p"; done)
if [ -n "$missing" ]; then
  [ "$(id -u)" = 0 ] || die "Debian packages missing: $(echo $missing); install them as root (apt-get install $(echo $missing))."
  say "installing $(echo $missing)"
  apt-get update -qq || die "apt-get update failed; Debian's package mirror is not reachable."
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null \
    || die "apt-get install of $(echo $missing) failed."
fi
[ "$(node -p 'process.versions.node.split(".")[0]')" = 20 ] \
  || die "code-server $CODE_SERVER_VERSION needs Node.js 20; found $(node --version)."

if [ ! -f "$INSTALL_DIR/.installed" ]; then
  say "installing code-server $CODE_SERVER_VERSION into $INSTALL_DIR (about a minute)"
  rm -rf "$INSTALL_DIR" && mkdir -p "$INSTALL_DIR"
  # @vscode/ripgrep 1.15.11's postinstall downloads rg from GitHub unless the archive
  # is already in its download cache: seed that cache with Debian's rg.
  RG_CACHE="$(node -p 'require("os").tmpdir()')/vscode-ripgrep-cache-1.15.11"
  mkdir -p "$RG_CACHE"
  tar czf "$RG_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$(dirname "$(command -v rg)")" rg
  echo '{"private":true}' > "$INSTALL_DIR/package.json"
  # unsafe_perm: its postinstall refuses root otherwise; yes: node-pty runs `npx node-gyp`;
  # build_from_source: native modules compile instead of fetching GitHub prebuilds;
  # nodedir: Debian's Node headers, so node-gyp downloads none.
  ( cd "$INSTALL_DIR" && npm_config_unsafe_perm=true npm_config_yes=true npm_config_build_from_source=true \
      npm_config_nodedir=/usr npm install --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION" >&2 ) \
    || die "npm install of code-server $CODE_SERVER_VERSION failed; see the output above."
  touch "$INSTALL_DIR/.installed"
fi
echo "$BIN"
