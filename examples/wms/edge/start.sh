#!/bin/sh
# Starts the production edge: a self-signed certificate for its HTTPS port (as the
# frontend's image has), its config at nginx's default path (so `nginx -t` and
# `nginx -s reload`, which Dual Env runs during a deploy, find it), the live file routing
# every app service by its service name, then nginx in the foreground; SIGQUIT stops it
# gracefully. A fresh edge therefore never names a container a deploy had pinned.
set -eu
mkdir -p /tmp/dual-env-edge
if [ ! -s /tmp/dual-env-edge/cert.pem ]; then
  openssl req -x509 -nodes -newkey rsa:2048 -days 3650 -subj /CN=localhost \
    -keyout /tmp/dual-env-edge/key.pem -out /tmp/dual-env-edge/cert.pem 2>/dev/null
fi
cp /etc/dual-env-edge/nginx.conf /etc/nginx/nginx.conf
cp /etc/dual-env-edge/live.conf /etc/nginx/dual-env-live.conf
exec nginx -g 'daemon off;'
