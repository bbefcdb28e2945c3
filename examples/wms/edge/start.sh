#!/bin/sh
# Starts the production edge: a self-signed certificate for its HTTPS port (as the
# frontend's image has), then nginx in the foreground; SIGQUIT stops it gracefully.
set -eu
mkdir -p /tmp/dual-env-edge
if [ ! -s /tmp/dual-env-edge/cert.pem ]; then
  openssl req -x509 -nodes -newkey rsa:2048 -days 3650 -subj /CN=localhost \
    -keyout /tmp/dual-env-edge/key.pem -out /tmp/dual-env-edge/cert.pem 2>/dev/null
fi
exec nginx -c /etc/dual-env-edge/nginx.conf -g 'daemon off;'
