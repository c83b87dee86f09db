from celery import shared_task

from accounts.models import User
from accounts.services import confirmation_link
from mbk.mail import send_templated_mail


@shared_task
def task_send_signup_confirmation(*, user_id: int) -> None:
    user = User.objects.filter(pk=user_id, is_active=False).first()
    if user is None:  # gone, or confirmed meanwhile: nothing to send
        return
    send_templated_mail(
        template="accounts/email/signup_confirmation",
        to=[user.email],
        language=user.language,
        context={"user": user, "link": confirmation_link(user)},
    )
