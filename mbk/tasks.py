"""The platform's own periodic work (beat's schedule, mbk/settings.py)."""

import logging

from celery import shared_task
from django.conf import settings
from django.core.files.storage import default_storage

log = logging.getLogger(__name__)


@shared_task
def task_remove_abandoned_parts() -> int:
    """Remove the temporary files that writers killed halfway left in the media folder
    (mbk/storage.py). An object store has none: a PUT that did not complete stored nothing
    (an incomplete multipart upload is the bucket's lifecycle rule's to abort, README)."""
    sweep = getattr(default_storage, "remove_abandoned_parts", None)
    if sweep is None:
        return 0
    removed = sweep(settings.MEDIA_PART_MAX_AGE_SECONDS)
    if removed:
        log.warning("Removed %d abandoned temporary media files: %s", len(removed), removed[:20])
    return len(removed)
