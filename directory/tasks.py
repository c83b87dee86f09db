from celery import shared_task

from directory.models import Organisation
from mbk.mail import send_templated_mail


@shared_task
def task_send_organisation_decision(*, organisation_id: int) -> None:
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None or organisation.status == Organisation.Status.PROPOSED:
        return
    for person in organisation.people.filter(is_active=True).exclude(email=""):
        send_templated_mail(
            template="directory/email/organisation_decided",
            to=[person.email],
            language=person.language,
            context={"user": person, "organisation": organisation},
        )
