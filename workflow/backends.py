"""The person of a signed-in request is read with how many of their notices are unread (the
badge of the navigation bar, on every page) and with their memberships (what the rules of every
page ask first): neither costs a query of its own (issue 19)."""

from django.contrib.auth.backends import ModelBackend
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from accounts.models import User
from directory import rules as directory_rules
from workflow.models import Notice

# The attribute the navigation bar reads (workflow.home), set only on a request's person.
UNREAD = "unread_notice_count"


class PersonBackend(ModelBackend):
    """Django's ModelBackend (a password login); the session's person comes with their count
    of unread notices and their memberships. Sessions opened under ModelBackend's name before
    it end: their people sign in again once."""

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
            people = directory_rules.with_memberships(User._default_manager.all())
            user = people.annotate(**{UNREAD: count}).get(pk=user_id)
        except User.DoesNotExist:
            return None
        directory_rules.remember_memberships(
            user, ((m["body"], m["kind"], m["role"]) for m in user.membership_rows or ())
        )
        return user if self.user_can_authenticate(user) else None
