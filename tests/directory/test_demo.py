import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from accounts.models import User
from directory.models import Body, Membership, Organisation


def login_request():
    """authenticate() is asked with the request, as the login page asks it (the login
    throttling needs it)."""
    return RequestFactory().post("/accounts/login/")


@pytest.mark.django_db
def test_load_demo_gives_every_role_of_the_design_a_login(settings, capsys):
    settings.DEBUG = True

    call_command("load_demo", "--password", "Demo-pass-1")

    out = capsys.readouterr().out
    roles = set(Membership.objects.values_list("body__kind", "role"))
    assert {
        ("programme_office", "staff"),
        ("governance", "chair"),
        ("governance", "member"),
        ("governance", "secretary"),
        ("governance", "observer"),
    } <= roles
    for group in Body.objects.filter(kind=Body.Kind.SECTORAL_GROUP):
        assert group.memberships.filter(role="chair").count() == 1
        assert group.memberships.filter(role="deputy_chair").count() == 1
        assert group.memberships.filter(role="expert").count() == 2
    authors = User.objects.filter(memberships__isnull=True)
    assert authors.values("organisation").distinct().count() >= 3
    assert "author.biopharm" in out
    assert "password of every demo login: Demo-pass-1" in out
    chair = authenticate(login_request(), username="chair.pharma", password="Demo-pass-1")
    assert chair is not None


@pytest.mark.django_db
def test_load_demo_twice_changes_nothing_but_the_password(settings):
    settings.DEBUG = True
    call_command("load_demo", "--password", "first-pass-1")
    counts = (User.objects.count(), Membership.objects.count(), Organisation.objects.count())

    call_command("load_demo", "--password", "second-pass-2")

    assert (
        User.objects.count(),
        Membership.objects.count(),
        Organisation.objects.count(),
    ) == counts
    assert authenticate(login_request(), username="office", password="second-pass-2") is not None


@pytest.mark.django_db
def test_load_demo_refuses_without_debug(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="not loaded when DEBUG is off"):
        call_command("load_demo")

    assert not User.objects.exists()


@pytest.mark.django_db
def test_demo_experts_are_not_of_the_authors_organisations(settings):
    settings.DEBUG = True
    call_command("load_demo")

    experts = User.objects.filter(memberships__role="expert").values("organisation")
    authors = User.objects.filter(memberships__isnull=True)

    assert not authors.filter(organisation__in=experts).exists()


@pytest.mark.django_db
def test_load_demo_gives_each_group_a_deputy_free_of_the_chairs_organisation(settings):
    settings.DEBUG = True

    call_command("load_demo", "--password", "Demo-pass-1")

    for code in ("pharma", "agrofood", "ecology", "industrial"):
        chair = User.objects.get(username=f"chair.{code}")
        deputy = User.objects.get(username=f"deputy.{code}")
        assert deputy.memberships.get().body.code == f"wg-{code}"
        assert deputy.memberships.get().role == Membership.Role.DEPUTY_CHAIR
        assert deputy.organisation_id != chair.organisation_id


@pytest.mark.django_db
def test_load_demo_gives_an_infrastructure_group_a_chair(settings):
    settings.DEBUG = True

    call_command("load_demo", "--password", "Demo-pass-1")

    chair = User.objects.get(username="chair.engineering")
    membership = chair.memberships.get()
    assert (membership.body.code, membership.role) == ("wg-engineering", Membership.Role.CHAIR)
    assert membership.body.kind == Body.Kind.INFRASTRUCTURE_GROUP
