"""The settings of the benchmarks against mbk_bench: the project's settings as production runs
them (DEBUG off, PostgreSQL, from the environment that bench/cluster.cluster_environment sets),
plus the floor views (bench/floor_urls.py), and two things that need no server:

- the Celery broker in memory: the services publish their e-mails after commit as in
  production, into a queue nobody reads (no worker runs during the benchmarks);
- static files without the manifest, so that no collectstatic is needed (the pages name their
  static files; the benchmarks never fetch them).
"""

from mbk.settings import *  # noqa: F403

ROOT_URLCONF = "bench.floor_urls"
CELERY_BROKER_URL = "memory://"
CELERY_BROKER_TRANSPORT_OPTIONS = {}
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
