"""The review criteria of the cluster directory's data file (directory/loading.py); the loader
is registered from DocumentsConfig.ready()."""

from directory.loading import LoadReport
from documents.models import ReviewCriterion


def load_review_criteria(items: list[dict], report: LoadReport) -> None:
    """Create the criteria that are missing (matched by code); those present are kept."""
    for position, item in enumerate(items):
        defaults = {**item, "position": position}
        _, created = ReviewCriterion.objects.get_or_create(code=item["code"], defaults=defaults)
        report.note("review criteria", created)
