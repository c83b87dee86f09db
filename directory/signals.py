"""Keep each body's permission group in step with its memberships, whichever way they change
(services, the admin, the loaders): object permissions granted to a body then reach exactly
its current members. Observers form one group of their own: they see approved documents only.
"""

from django.contrib.auth.models import Group
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from directory.models import Body, Membership

OBSERVERS_GROUP = "mbk:observers"


def observers_group() -> Group:
    return Group.objects.get_or_create(name=OBSERVERS_GROUP)[0]


def members_group(body: Body) -> Group:
    """The body's permission group, created the first time it is needed."""
    if body.members_group_id is None:
        body.members_group = Group.objects.get_or_create(name=f"mbk:body:{body.code}")[0]
        Body.objects.filter(pk=body.pk).update(members_group=body.members_group)
    return body.members_group


def sync_membership_groups(user) -> None:
    """Put a person in exactly the groups their memberships call for."""
    memberships = Membership.objects.filter(user=user).select_related("body")
    wanted = {
        observers_group() if m.role == Membership.Role.OBSERVER else members_group(m.body)
        for m in memberships
    }
    managed = set(user.groups.filter(name__startswith="mbk:"))
    user.groups.remove(*(managed - wanted))
    user.groups.add(*(wanted - managed))


@receiver(post_save, sender=Membership)
@receiver(post_delete, sender=Membership)
def _membership_changed(sender, instance: Membership, **kwargs) -> None:
    sync_membership_groups(instance.user)
