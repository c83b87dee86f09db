import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.models import User
from directory.models import (
    Affiliation,
    Body,
    Direction,
    Membership,
    Organisation,
    SupportInstrument,
)
from documents.models import Call, Proposal
from documents.services import ProposalContent, proposal_create, proposal_update
from signing import authority


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name_ru = factory.Sequence(lambda n: f"ООО «Организация {n}»")
    name_en = factory.Sequence(lambda n: f"Organisation {n} LLC")
    status = Organisation.Status.CONFIRMED


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.ru")
    last_name = "Иванов"
    first_name = "Иван"
    middle_name = "Иванович"
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()

    @factory.post_generation
    def affiliated(obj, create, extracted, **kwargs):  # noqa: N805
        """A confirmed member of their organisation unless `affiliated=False` (awaiting)."""
        if create and obj.organisation_id and extracted is not False:
            Affiliation.objects.create(
                user=obj, organisation_id=obj.organisation_id, status=Affiliation.Status.CONFIRMED
            )


class DirectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Direction

    code = factory.Sequence(lambda n: f"direction-{n}")
    name_ru = factory.Sequence(lambda n: f"Направление {n}")


class BodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Body

    code = factory.Sequence(lambda n: f"body-{n}")
    name_ru = factory.Sequence(lambda n: f"Рабочая группа {n}")
    kind = Body.Kind.SECTORAL_GROUP
    direction = factory.Maybe(
        factory.LazyAttribute(lambda body: body.kind == Body.Kind.SECTORAL_GROUP),
        yes_declaration=factory.SubFactory(DirectionFactory),
        no_declaration=None,
    )


# Who signs documents of a body (the minutes; the governance chair the programme).
SIGNATORY_ROLES = (Membership.Role.CHAIR, Membership.Role.DEPUTY_CHAIR, Membership.Role.SECRETARY)


class MembershipFactory(factory.django.DjangoModelFactory):
    """A person's role in a body. Chairs and secretaries get a signing certificate of the
    cluster's authority, as the programme office issues them (manage.py ca_issue); pass
    `certificate=False` for one who has none."""

    class Meta:
        model = Membership
        skip_postgeneration_save = True

    body = factory.SubFactory(BodyFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.MEMBER

    @factory.post_generation
    def certificate(self, create, extracted, **kwargs):
        # `self` is the Membership made (factory_boy's post-generation hook).
        if not create or extracted is False or self.role not in SIGNATORY_ROLES:
            return
        if authority.certificate_of(self.user) is None:
            authority.issue("person", person=self.user)


class CallFactory(factory.django.DjangoModelFactory):
    """An open call covering every direction present when it is created."""

    class Meta:
        model = Call
        skip_postgeneration_save = True

    title_ru = factory.Sequence(lambda n: f"Приём заявок № {n}")
    title_en = factory.Sequence(lambda n: f"Call for proposals No. {n}")
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=10))
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    first_year = 2027
    last_year = 2029
    guide = "Заполните все разделы заявки."
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def directions(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.directions.set(extracted if extracted is not None else Direction.objects.all())


def complete_content(proposal: Proposal, **fields) -> ProposalContent:
    """Content that passes the completeness check; `fields` override the scalar fields."""
    years = proposal.call.years
    return ProposalContent(
        fields={
            "title": proposal.title,
            "summary": "Производство биоаналогов моноклональных антител.",
            "goals": "Импортозамещение препаратов для онкологии.",
            "description": "Создание опытного производства мощностью 100 кг в год.",
            "readiness_level": 5,
            "expected_results": "Регистрация двух препаратов к 2029 году.",
            "investors_and_partners": "АО «Инвест»",
            "contact_name": "Петров Пётр Петрович",
            "contact_email": "petrov@example.ru",
            "contact_phone": "+7 495 000-00-00",
            **fields,
        },
        infrastructure_groups=[],
        services=[],
        budget_lines=[
            {"year": years[0], "source": "own", "amount": Decimal("1000000.00")},
            {"year": years[-1], "source": "city", "amount": Decimal("2500000.00")},
        ],
        indicators=[
            {
                "name": "Выручка",
                "unit": "млн руб.",
                "baseline": Decimal("0"),
                "targets": {str(y): str(10 * (n + 1)) for n, y in enumerate(years)},
            }
        ],
        requested_instruments=[
            {
                "instrument": SupportInstrument.objects.order_by("position").first(),
                "justification": "Субсидия на оборудование.",
            }
        ],
        milestones=[
            {"name": "Пилотная партия", "due_on": datetime.date(years[0], 6, 30)},
            {"name": "Регистрация", "due_on": datetime.date(years[-1], 12, 1)},
        ],
    )


def draft_proposal(author, *, call=None, direction=None, title="Биоаналоги антител", **fields):
    """A complete draft by `author`, made through the services as a person would."""
    direction = direction or Direction.objects.get(code="pharma")
    call = call or CallFactory()
    proposal = proposal_create(by=author, call=call, direction=direction, title=title)
    return proposal_update(
        proposal_id=proposal.pk,
        by=author,
        content=complete_content(proposal, **fields),
        seen_edition=proposal.edition,
    )
