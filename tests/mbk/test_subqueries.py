"""mbk/subqueries.py: related rows read with their object (rows_of) come back as the instances a
query of their own would give (instances_of), on PostgreSQL and SQLite alike."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import OuterRef
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from directory.models import Membership
from mbk.subqueries import instances_of, rows_of, values_list_of
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from workflow import audit
from workflow.models import AuditEntry


@pytest.mark.django_db
def test_rows_of_gives_each_outer_row_its_own_related_rows(cluster):
    first, second = UserFactory(username="first"), UserFactory(username="second")
    MembershipFactory(user=first, body=cluster["wg-pharma"], role=Membership.Role.CHAIR)
    MembershipFactory(user=first, body=cluster["council"], role=Membership.Role.MEMBER)
    memberships = Membership.objects.filter(user=OuterRef("pk"))

    people = User.objects.filter(pk__in=[first.pk, second.pk]).annotate(
        rows=rows_of(memberships, "user", body="body_id", kind="body__kind", role="role"),
        bodies=values_list_of(memberships, "body_id", outer="user"),
    )
    found = {person.username: person for person in people}

    assert sorted((r["body"], r["kind"], r["role"]) for r in found["first"].rows) == sorted(
        [
            (cluster["wg-pharma"].pk, cluster["wg-pharma"].kind, Membership.Role.CHAIR),
            (cluster["council"].pk, cluster["council"].kind, Membership.Role.MEMBER),
        ]
    )
    assert sorted(found["first"].bodies) == sorted([cluster["wg-pharma"].pk, cluster["council"].pk])
    assert not found["second"].rows  # None or []: nobody's rows
    assert not found["second"].bodies


@pytest.mark.django_db
def test_instances_of_are_the_rows_as_loaded_with_their_related_object(author):
    organisation = OrganisationFactory()
    actor = UserFactory(username="actor", middle_name="Петрович", organisation=organisation)
    with transaction.atomic():
        audit.record(author, action="created", actor=actor, comment="Создан «черновик»")
        audit.record(author, action="note", actor=None)
    entries = AuditEntry.objects.filter(
        object_id=OuterRef("pk"), content_type=ContentType.objects.get_for_model(author)
    )
    columns = {f.attname: f.attname for f in AuditEntry._meta.concrete_fields}
    columns |= {"actor__id": "actor__id", "actor__last_name": "actor__last_name"}
    columns |= {"actor__middle_name": "actor__middle_name", "actor__is_active": "actor__is_active"}
    read = User.objects.annotate(trail=rows_of(entries, "object_id", **columns)).get(pk=author.pk)

    with CaptureQueriesContext(connection) as queries:
        made = sorted(instances_of(AuditEntry, read.trail, actor=User), key=lambda e: e.sequence)
    stored = list(AuditEntry.objects.filter(pk__in=[e.pk for e in made]).order_by("sequence"))

    assert len(queries) == 0
    assert [(e.pk, e.action, e.comment, e.sequence) for e in made] == [
        (e.pk, e.action, e.comment, e.sequence) for e in stored
    ]
    assert [e.at for e in made] == [e.at for e in stored]  # the same instants, with their zone
    assert all(e.at.tzinfo is not None and isinstance(e.at, datetime.datetime) for e in made)
    assert made[0].actor.pk == actor.pk
    assert made[0].actor.middle_name == "Петрович"
    assert made[0].actor.is_active is True
    assert made[1].actor is None
    assert not made[0]._state.adding  # as loaded: saving it would update, not insert
    with CaptureQueriesContext(connection) as queries:
        assert made[0].actor.organisation_id == organisation.pk  # not read: read when asked
    assert len(queries) == 1
