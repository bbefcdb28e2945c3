#!/bin/sh
# Renders the site config for this environment, then runs nginx in the foreground.
set -eu
: "${APP_ENV:?APP_ENV must be staging or production}"
: "${BACKEND_HOST:?BACKEND_HOST must name the backend service}"
case "$APP_ENV" in *[!a-z0-9-]*) echo "APP_ENV has characters outside a-z0-9-" >&2; exit 1;; esac
case "$BACKEND_HOST" in *[!a-z0-9.-]*) echo "BACKEND_HOST has characters outside a-z0-9.-" >&2; exit 1;; esac
sed -e "s/@APP_ENV@/$APP_ENV/g" -e "s/@BACKEND_HOST@/$BACKEND_HOST/g" \
  /etc/dual-env-wms/default.conf.template > /etc/nginx/conf.d/wms.conf
exec nginx -g 'daemon off;'
