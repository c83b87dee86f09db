#!/bin/sh
# Web container start: apply migrations and load the cluster directory (both idempotent),
# then run the given command. Worker and beat skip this (MBK_SKIP_MIGRATE=1).
set -e
if [ "${MBK_SKIP_MIGRATE:-0}" != "1" ]; then
  python manage.py migrate --noinput
  python manage.py load_directory
fi
# The web nodes hand nginx the collected static files of this image (hashed names: the files
# of an older image stay for pages still open in browsers).
if [ -n "${MBK_PUBLISH_STATIC:-}" ]; then
  cp -a /var/lib/mbk/static/. "$MBK_PUBLISH_STATIC"/
fi
exec "$@"
