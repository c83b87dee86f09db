# Production image of the MBK Programme Office: web (gunicorn), Celery worker and beat.
FROM node:20-bookworm-slim AS frontend
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    MBK_VAR_DIR=/var/lib/mbk
# WeasyPrint's libraries, fonts with Cyrillic, gettext for the Russian catalogue.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
       fonts-dejavu-core fonts-liberation2 fonts-paratype gettext \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 1000 --home /app mbk
WORKDIR /app
COPY . .
RUN pip install -c requirements/constraints.txt .
COPY --from=frontend /app/node_modules ./node_modules
RUN DEBUG=1 python manage.py compilemessages -v0 --ignore=node_modules \
    && DEBUG=0 SECRET_KEY=build-only-collectstatic-key-not-used-at-run-time-0000000000 \
       MBK_AUDIT_KEY=build-only-audit-key-not-used-at-run-time-00000000000000 \
       MBK_SIGNING_KEY=build-only-signing-key-not-used-at-run-time-000000000000 \
       python manage.py collectstatic --noinput -v0 \
    && mkdir -p /var/lib/mbk/media /var/lib/mbk/audit /var/lib/mbk/ca /var/lib/mbk/static-shared && chown -R mbk /var/lib/mbk \
    && chmod 700 /var/lib/mbk/ca
USER mbk
EXPOSE 8000
ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["gunicorn", "mbk.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
