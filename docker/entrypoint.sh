#!/bin/sh
# Web container start: apply migrations and load the cluster directory (both idempotent),
# then run the given command. Worker and beat skip this (MBK_SKIP_MIGRATE=1).
set -e
if [ "${MBK_SKIP_MIGRATE:-0}" != "1" ]; then
  python manage.py migrate --noinput
  python manage.py load_directory
fi
exec "$@"
