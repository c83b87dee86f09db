"""A demo meeting of the governance body, planned for next week by its secretary."""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from directory.models import Body
from meetings import services
from meetings.models import Meeting


@transaction.atomic
def load_demo_meetings() -> None:
    council = Body.objects.get(code="council")
    if Meeting.objects.filter(body=council).exists():
        return
    secretary = User.objects.get(username="secretary")
    starts = timezone.localtime().replace(hour=15, minute=0, second=0, microsecond=0)
    meeting = services.meeting_plan(
        body_id=council.pk,
        by=secretary,
        starts_at=starts + datetime.timedelta(days=7),
        place="API Moscow «Красный Октябрь», зал «Чёрная штора»",
    )
    services.agenda_add(
        meeting_id=meeting.pk,
        by=secretary,
        title="Об организационной структуре и органах управления кластера",
    )
