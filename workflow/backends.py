"""The person of a signed-in request is read with how many of their notices are unread: the
badge of the navigation bar, on every page, costs no query of its own (issue 19)."""

from django.contrib.auth.backends import ModelBackend
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from accounts.models import User
from workflow.models import Notice

# The attribute the navigation bar reads (workflow.home), set only on a request's person.
UNREAD = "unread_notice_count"


class PersonBackend(ModelBackend):
    """Django's ModelBackend (a password login); the session's person comes with their count
    of unread notices. Sessions opened under ModelBackend's name before it end: their people
    sign in again once."""

    def get_user(self, user_id):
        unread = (
            Notice.objects.filter(recipient=OuterRef("pk"), read_at=None)
            .order_by()
            .values("recipient")
            .annotate(n=Count("pk"))
            .values("n")
        )
        count = Coalesce(Subquery(unread), 0, output_field=IntegerField())
        try:
            user = User._default_manager.annotate(**{UNREAD: count}).get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
