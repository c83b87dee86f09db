"""The large cluster of the load benchmarks, in a PostgreSQL database of its own (mbk_bench,
dropped and created anew, migrated with manage.py migrate): 10 000 proposals in every state
across the four sectoral working groups, 500 people, about 200 000 object-permission rows,
about 400 000 notices, 240 meetings, 120 sent messages of the programme office and an approved
programme version listing every approved proposal.

    .venv/bin/python bench/generate.py [--proposals 10000] [--real 180]

A few hundred proposals (`--real`) are walked to their states through the services, as
tests/workflow/states.proposal_in does it; the rest are copies of those, written with
bulk_create in the same shapes: the proposal, its co-authors, budget lines, indicators,
milestones, requested instruments, frozen versions, expert assignments, reviews, remarks, the
audit chain (appended to the global order, MACs computed anew),
the notices the services sent about it (to the copy's author and each of its co-authors where
the original went to its author and co-author; nine in ten read), and the object permissions
that workflow/grants.sync_proposal_permissions would give it (checked on a sample at the end).
Each copy is about one of TOPICS (its title and summary), so that a search for one topic's word
finds about one proposal in twenty. Then meetings of every sectoral group and the governance
body with their agendas, the programme office's sent messages (their recipients and notices)
and a few drafts. Not copied: deadlines (made by the periodic task). Needs PostgreSQL at
127.0.0.1:5432 (user postgres, trust)."""

import argparse
import datetime
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cluster import (
    BASE_DIR,
    BENCH_DATABASE,
    POSTGRES_URL,
    cluster_environment,
    setup_cluster_django,
)

# How the proposals spread over the states (weights; every state has some).
STATE_WEIGHTS = {
    "draft": 14,
    "submitted": 8,
    "wg_review": 22,
    "revision_requested": 10,
    "wg_approved": 6,
    "governance_review": 5,
    "approved": 12,
    "rejected": 13,
    "withdrawn": 10,
}
PEOPLE = 500
ORGANISATIONS = 25
# Four years of a meeting every month for each of the five bodies (four groups, the council).
MEETINGS = 240
AGENDA = (3, 8)  # items on a meeting's agenda
OUTBOX_SENT = 120  # the programme office's sent messages (a few a fortnight over four years)
OUTBOX_DRAFTS = 5
READ_SHARE = 0.9  # notices read by their recipient
# What a copy is about: its title and summary name one topic (SEARCH_WORD finds the first).
TOPICS = [
    ("вакцины нового поколения", "Разработка и выпуск вакцины против респираторных инфекций."),
    ("биоаналоги моноклональных антител", "Производство биоаналогов моноклональных антител."),
    ("ферментные препараты", "Выпуск ферментных препаратов для пищевой промышленности."),
    ("пробиотики для животноводства", "Линия пробиотических кормовых добавок."),
    ("молекулярная диагностика", "Наборы для ПЦР-диагностики инфекционных заболеваний."),
    ("биоразлагаемые полимеры", "Производство полимолочной кислоты из растительного сырья."),
    ("очистка сточных вод", "Биологическая очистка промышленных стоков."),
    ("клеточные технологии", "Биомедицинские клеточные продукты для регенеративной медицины."),
    ("генная терапия", "Вирусные векторы для генной терапии наследственных болезней."),
    ("биотопливо", "Биоэтанол второго поколения из отходов лесопереработки."),
    ("аминокислоты", "Микробиологический синтез лизина и треонина."),
    ("биоудобрения", "Микробные удобрения для зерновых культур."),
    ("пептидные препараты", "Синтез пептидных лекарственных средств."),
    ("кормовой белок", "Белок одноклеточных из метана для кормов."),
    ("рекультивация почв", "Биоремедиация загрязнённых нефтью почв."),
    ("инсулин", "Производство генно-инженерного инсулина."),
    ("антибиотики", "Субстанции антибиотиков полного цикла."),
    ("функциональное питание", "Продукты функционального питания с пребиотиками."),
    ("биосенсоры", "Ферментные биосенсоры для контроля качества воды."),
    ("ветеринарные препараты", "Ветеринарные иммунобиологические препараты."),
]
SEARCH_WORD = "вакцины"
HEAVY_AUTHOR_SHARE = 0.015  # the persona "author" writes this share of the copies
COAUTHORS = (8, 18)  # co-authors of a copy, from the author's organisation


def recreate_database(folder: str) -> None:
    import psycopg

    with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {BENCH_DATABASE}")
    subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), "migrate", "--verbosity", "0"],
        check=True,
        env=cluster_environment(folder),
        cwd=BASE_DIR,
    )


# --- People ---------------------------------------------------------------------------------
def make_cluster_people(rng: random.Random) -> dict:
    """The personas of the tests, a chair, a secretary and four experts for each sectoral
    group, and authors in organisations up to PEOPLE people; all with the password PASSWORD."""
    from accounts.models import User
    from directory.models import Affiliation, Body, Membership, Organisation
    from tests.workflow.states import make_people

    people = make_people()  # loads the cluster's directory too
    password = people["author"].password  # one hash for everyone: hashing 500 times is slow

    def person(username: str, organisation=None, **names) -> User:
        return User.objects.create(
            username=username,
            email=f"{username}@example.ru",
            password=password,
            organisation=organisation,
            last_name=names.get("last_name", "Петров"),
            first_name=names.get("first_name", "Пётр"),
        )

    staff = {}
    for body in Body.objects.filter(kind=Body.Kind.SECTORAL_GROUP).order_by("position"):
        if body.code == "wg-pharma":
            roles = {
                "chair": people["chair"],
                "expert": people["expert"],
                "second_expert": people["second_expert"],
                "third_expert": people["third_expert"],
                "spare_expert": people["spare_expert"],
            }
        else:
            roles = {}
            for name, role in [
                ("chair", Membership.Role.CHAIR),
                ("wg_secretary", Membership.Role.SECRETARY),
                ("expert", Membership.Role.EXPERT),
                ("second_expert", Membership.Role.EXPERT),
                ("third_expert", Membership.Role.EXPERT),
                ("spare_expert", Membership.Role.EXPERT),
            ]:
                existing = Membership.objects.filter(body=body, role=role).first()
                if role == Membership.Role.CHAIR and existing is not None:
                    roles[name] = existing.user  # make_people's other_chair chairs wg-ecology
                    continue
                user = person(f"{body.code}-{name}".replace("_", "-"), last_name=name)
                Membership.objects.create(body=body, user=user, role=role)  # signal: groups
                roles[name] = user
        staff[body.pk] = roles

    organisations = [
        people["author"].organisation,
        *list(
            Organisation.objects.bulk_create(
                Organisation(
                    name_ru=f"ООО «Биотех {n}»",
                    name_en=f"Biotech {n} LLC",
                    status=Organisation.Status.CONFIRMED,
                )
                for n in range(1, ORGANISATIONS)
            )
        ),
    ]
    start = User.objects.count()
    authors = User.objects.bulk_create(
        User(
            username=f"author-{n}",
            email=f"author-{n}@example.ru",
            password=password,
            organisation=organisations[n % len(organisations)],
            last_name=rng.choice(["Смирнов", "Кузнецова", "Попов", "Соколова", "Лебедев"]),
            first_name=rng.choice(["Андрей", "Мария", "Сергей", "Ольга", "Дмитрий"]),
            middle_name="Иванович",
        )
        for n in range(PEOPLE - start)
    )
    # Confirmed members of their organisations: they submit and are chosen as co-authors.
    Affiliation.objects.bulk_create(
        Affiliation(user=user, organisation_id=user.organisation_id, status="confirmed")
        for user in authors
    )
    colleagues: dict[int, list[int]] = {}
    for user in [people["author"], people["coauthor"], *authors]:
        colleagues.setdefault(user.organisation_id, []).append(user.pk)
    return {"people": people, "staff": staff, "authors": authors, "colleagues": colleagues}


# --- Proposals through the services ---------------------------------------------------------
def real_proposals(cluster: dict, count: int, rng: random.Random) -> list:
    """`count` proposals walked through the services, the states and groups in turn."""
    from directory.models import Body
    from documents.models import Proposal
    from tests.factories import CallFactory
    from tests.workflow.states import proposal_in

    people = cluster["people"]
    call = CallFactory(
        title_ru="Приём заявок 2027–2032",
        first_year=2027,
        last_year=2032,
        created_by=people["office"],
    )
    cluster["call"] = call
    groups = list(cluster["staff"].items())
    states = list(STATE_WEIGHTS)
    built = []
    for n in range(count):
        body_id, staff = groups[n % len(groups)]
        author = rng.choice(cluster["authors"])
        mates = [pk for pk in cluster["colleagues"][author.organisation_id] if pk != author.pk]
        cast = {
            **people,
            **staff,
            "author": author,
            "coauthor": type(author).objects.get(pk=rng.choice(mates)),
        }
        state = states[(n // len(groups)) % len(states)]
        proposal = proposal_in(
            state,
            cast,
            call=call,
            direction=Body.objects.get(pk=body_id).direction,
            title=f"Якорный проект № {n + 1}: биотехнологическое производство",
        )
        built.append(proposal.pk)
    return list(Proposal.objects.filter(pk__in=built))


# --- Copies in the same shapes --------------------------------------------------------------
def _values(obj, *skip: str) -> dict:
    return {
        f.attname: getattr(obj, f.attname)
        for f in type(obj)._meta.concrete_fields
        if not f.primary_key and f.name not in skip
    }


def _template(proposal) -> dict:
    """Everything that hangs off a proposal, as field values."""
    from workflow import audit
    from workflow.models import Notice

    return {
        "proposal": _values(proposal),
        "coauthors": set(proposal.coauthors.values_list("pk", flat=True)),
        # What the services told people about it (their URLs lead to it).
        "notices": [
            _values(x) for x in Notice.objects.filter(url__startswith=f"/proposals/{proposal.pk}/")
        ],
        "services": list(proposal.services.values_list("pk", flat=True)),
        "infrastructure": list(proposal.infrastructure_groups.values_list("pk", flat=True)),
        "budget": [_values(x, "proposal") for x in proposal.budget_lines.all()],
        "indicators": [_values(x, "proposal") for x in proposal.indicators.all()],
        "instruments": [_values(x, "proposal") for x in proposal.requested_instruments.all()],
        "milestones": [_values(x, "proposal") for x in proposal.milestones.all()],
        "versions": [_values(x, "proposal") for x in proposal.versions.order_by("number")],
        "assignments": [_values(x, "proposal") for x in proposal.assignments.all()],
        "reviews": [
            {**_values(x, "proposal", "version"), "number": x.version.number}
            for x in proposal.reviews.select_related("version")
        ],
        "remarks": [_values(x, "proposal") for x in proposal.remarks.all()],
        "audit": [_values(x, "object_id") for x in audit.history(proposal)],
    }


class Grants:
    """What workflow/grants.sync_proposal_permissions gives a proposal, without a query per
    proposal (the same rules: see wanted_user_grants and wanted_group_grants there)."""

    def __init__(self) -> None:
        from directory.models import Body
        from directory.signals import members_group, observers_group
        from documents import grants

        self.permission = {code: p.pk for code, p in grants._permissions().items()}
        self.group_of_body = {
            body.pk: members_group(body).pk
            for body in Body.objects.filter(kind__in=Body.WORKING_GROUPS)
        }
        self.office = [g.pk for g in grants._bodies_groups(Body.Kind.PROGRAMME_OFFICE)]
        self.governance = [g.pk for g in grants._bodies_groups(Body.Kind.GOVERNANCE)]
        self.observers = observers_group().pk

    def users(self, proposal, authors: list[int], experts: list[int]) -> set[tuple[int, int]]:
        from documents.models import Proposal

        wanted = {(pk, "view_proposal") for pk in authors}
        if proposal.state in Proposal.EDITABLE:
            wanted |= {(pk, "change_proposal") for pk in authors}
        if proposal.state not in Proposal.FINAL:
            wanted |= {(pk, "review_proposal") for pk in experts}
        return {(pk, self.permission[code]) for pk, code in wanted}

    def groups(self, proposal) -> set[tuple[int, int]]:
        groups = []
        if proposal.submitted_at is not None:
            groups += [self.group_of_body[proposal.group_id], *self.office]
        if proposal.sent_to_governance_at is not None:
            groups += self.governance
        if proposal.state == "approved":
            groups.append(self.observers)
        return {(pk, self.permission["view_proposal"]) for pk in groups}


def copy_proposals(cluster: dict, templates: list, count: int, rng: random.Random) -> None:
    """`count` copies of the templates, the states drawn by STATE_WEIGHTS, in chunks."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction

    from documents.models import (
        Assignment,
        BudgetLine,
        Indicator,
        Milestone,
        Proposal,
        ProposalGroupObjectPermission,
        ProposalUserObjectPermission,
        ProposalVersion,
        Remark,
        RequestedInstrument,
        Review,
    )
    from workflow import audit
    from workflow.models import AuditEntry, Notice

    by_state: dict[str, list[dict]] = {}
    for proposal in templates:
        by_state.setdefault(proposal.state, []).append(_template(proposal))
    grants = Grants()
    content_type = ContentType.objects.get_for_model(Proposal)
    heavy = cluster["people"]["author"]
    authors = cluster["authors"]
    through = {
        name: Proposal._meta.get_field(name)
        for name in ("coauthors", "services", "infrastructure_groups")
    }
    states = list(STATE_WEIGHTS)
    weights = list(STATE_WEIGHTS.values())
    chunk = 1000
    made = 0
    while made < count:
        size = min(chunk, count - made)
        picks = []
        for n in range(size):
            template = rng.choice(by_state[rng.choices(states, weights)[0]])
            author = heavy if rng.random() < HEAVY_AUTHOR_SHARE else rng.choice(authors)
            mates = [pk for pk in cluster["colleagues"][author.organisation_id] if pk != author.pk]
            coauthors = rng.sample(mates, min(len(mates), rng.randint(*COAUTHORS)))
            picks.append((template, author, coauthors, made + n + 1))
        with transaction.atomic():
            proposals = Proposal.objects.bulk_create(
                Proposal(
                    **{
                        **template["proposal"],
                        "author_id": author.pk,
                        "organisation_id": author.organisation_id,
                        "title": f"Проект № {number}: {TOPICS[number % len(TOPICS)][0]}",
                        "summary": TOPICS[number % len(TOPICS)][1],
                    }
                )
                for template, author, _coauthors, number in picks
            )
            rows: dict[type, list] = {}

            def add(model, rows=rows, **values):
                rows.setdefault(model, []).append(model(**values))

            links: dict[str, list] = {name: [] for name in through}
            user_grants, group_grants = [], []
            for proposal, (template, author, coauthors, _number) in zip(
                proposals, picks, strict=True
            ):
                original_author = template["proposal"]["author_id"]
                for name, ids in [
                    ("coauthors", coauthors),
                    ("services", template["services"]),
                    ("infrastructure_groups", template["infrastructure"]),
                ]:
                    field = through[name]
                    links[name] += [
                        field.remote_field.through(
                            **{
                                f"{field.m2m_field_name()}_id": proposal.pk,
                                f"{field.m2m_reverse_field_name()}_id": pk,
                            }
                        )
                        for pk in ids
                    ]
                for key, model in [
                    ("budget", BudgetLine),
                    ("indicators", Indicator),
                    ("instruments", RequestedInstrument),
                    ("milestones", Milestone),
                    ("remarks", Remark),
                    ("assignments", Assignment),
                ]:
                    for values in template[key]:
                        add(model, **values, proposal_id=proposal.pk)
                for values in template["versions"]:
                    created_by = values["created_by_id"]
                    add(
                        ProposalVersion,
                        **{
                            **values,
                            "created_by_id": author.pk
                            if created_by == original_author
                            else created_by,
                        },
                        proposal_id=proposal.pk,
                    )
                for values in template["audit"]:
                    actor = values["actor_id"]
                    entry = AuditEntry(
                        **{**values, "actor_id": author.pk if actor == original_author else actor},
                        object_id=proposal.pk,
                    )
                    entry.content_type_id = content_type.pk
                    rows.setdefault(AuditEntry, []).append(entry)  # chained by append_many
                original = template["proposal"]
                for values in template["notices"]:
                    recipient = values["recipient_id"]
                    if recipient == original_author:
                        recipients = [author.pk]
                    elif recipient in template["coauthors"]:
                        recipients = coauthors
                    else:
                        recipients = [recipient]
                    path = values["url"].split("/", 3)[3]  # after /proposals/<pk>/
                    for person in recipients:
                        add(
                            Notice,
                            **{
                                **values,
                                "recipient_id": person,
                                "url": f"/proposals/{proposal.pk}/{path}",
                                "text": values["text"].replace(original["title"], proposal.title),
                                "read_at": values["created_at"]
                                if rng.random() < READ_SHARE
                                else None,
                                "email_due": False,
                                "emailed_at": values["created_at"],
                            },
                        )
                experts = [a["expert_id"] for a in template["assignments"]]
                user_grants += [
                    ProposalUserObjectPermission(
                        content_object_id=proposal.pk, user_id=user, permission_id=permission
                    )
                    for user, permission in grants.users(proposal, [author.pk, *coauthors], experts)
                ]
                group_grants += [
                    ProposalGroupObjectPermission(
                        content_object_id=proposal.pk, group_id=group, permission_id=permission
                    )
                    for group, permission in grants.groups(proposal)
                ]
            for name, objects in links.items():
                through[name].remote_field.through.objects.bulk_create(objects, batch_size=5000)
            for model in (
                BudgetLine,
                Indicator,
                RequestedInstrument,
                Milestone,
                Remark,
                Assignment,
            ):
                model.objects.bulk_create(rows.get(model, []), batch_size=5000)
            versions = ProposalVersion.objects.bulk_create(rows[ProposalVersion], batch_size=2000)
            version_of = {(v.proposal_id, v.number): v.pk for v in versions}
            Review.objects.bulk_create(
                [
                    Review(
                        **{k: v for k, v in values.items() if k != "number"},
                        proposal_id=proposal.pk,
                        version_id=version_of[(proposal.pk, values["number"])],
                    )
                    for proposal, (template, *_rest) in zip(proposals, picks, strict=True)
                    for values in template["reviews"]
                ],
                batch_size=5000,
            )
            audit.append_many(rows[AuditEntry])
            Notice.objects.bulk_create(rows.get(Notice, []), batch_size=5000)
            ProposalUserObjectPermission.objects.bulk_create(user_grants, batch_size=5000)
            ProposalGroupObjectPermission.objects.bulk_create(group_grants, batch_size=5000)
        made += size
        print(f"  copies: {made}/{count}", flush=True)


def check_grants(sample: int, rng: random.Random) -> str:
    """Compare the copies' permission rows with what grants.sync_proposal_permissions wants."""
    from documents import grants
    from documents.models import Proposal

    checked = mismatched = 0
    ids = list(Proposal.objects.values_list("pk", flat=True))
    for pk in rng.sample(ids, min(sample, len(ids))):
        proposal = Proposal.objects.get(pk=pk)
        users = set(
            proposal.proposaluserobjectpermission_set.values_list("user_id", "permission__codename")
        )
        groups = set(
            proposal.proposalgroupobjectpermission_set.values_list(
                "group_id", "permission__codename"
            )
        )
        wanted_users = grants.wanted_user_grants(proposal)
        wanted_groups = grants.wanted_group_grants(proposal)
        checked += 1
        mismatched += users != wanted_users or groups != wanted_groups
    return (
        f"{checked - mismatched}/{checked} sampled proposals have exactly the grants that "
        "sync_proposal_permissions wants"
    )


# --- Meetings and the programme -------------------------------------------------------------
def make_meetings(cluster: dict, rng: random.Random) -> None:
    from django.utils import timezone

    from directory.models import Body
    from documents.models import Proposal
    from meetings.models import AgendaItem, Meeting

    bodies = list(Body.objects.filter(kind__in=[Body.Kind.SECTORAL_GROUP, Body.Kind.GOVERNANCE]))
    now = timezone.now()
    meetings = []
    for n in range(MEETINGS):
        body = bodies[n % len(bodies)]
        month = n // len(bodies) - (MEETINGS // len(bodies) - 4)  # the last four ahead
        starts_at = now + datetime.timedelta(days=30 * month, hours=n % 8)
        past = starts_at < now
        meetings.append(
            Meeting(
                body=body,
                number=n // len(bodies) + 1,
                starts_at=starts_at,
                place="Москва, ул. Тверская, 13, зал заседаний",
                state=Meeting.State.MINUTES_APPROVED if past else Meeting.State.PLANNED,
                held_at=starts_at if past else None,
                minutes_approved_at=starts_at + datetime.timedelta(days=3) if past else None,
                created_by=cluster["people"]["office"],
            )
        )
    meetings = Meeting.objects.bulk_create(meetings)
    items = []
    for meeting in meetings:
        if meeting.body.kind == Body.Kind.GOVERNANCE:
            pool = Proposal.objects.filter(state__in=["governance_review", "approved"])
        else:
            pool = Proposal.objects.filter(group=meeting.body, state="wg_review")
        for position, proposal in enumerate(pool.order_by("?")[: rng.randint(*AGENDA)], 1):
            items.append(
                AgendaItem(
                    meeting=meeting,
                    position=position,
                    title=proposal.title[:500],
                    proposal=proposal,
                )
            )
    AgendaItem.objects.bulk_create(items)


def make_outbox(cluster: dict, rng: random.Random) -> None:
    """The programme office's messages: OUTBOX_SENT sent ones, to the audiences of
    documents/outbox.audience() in turn, each with its recipients and their notices (most
    read), and OUTBOX_DRAFTS drafts."""
    from django.utils import timezone

    from directory.models import Body
    from documents import outbox
    from documents.models import OutboxMessage
    from workflow.models import Notice

    audience = OutboxMessage.Audience
    office = cluster["people"]["office"]
    call = cluster["call"]
    groups = list(Body.objects.filter(kind=Body.Kind.SECTORAL_GROUP).order_by("position"))
    audiences = [
        {"kind": audience.CALL_AUTHORS, "call_id": call.pk, "states": ["wg_review"]},
        {"kind": audience.GROUP_CHAIRS},
        {"kind": audience.GOVERNANCE},
        *({"kind": audience.GROUP_EXPERTS, "group_id": group.pk} for group in groups),
        {"kind": audience.CALL_AUTHORS, "call_id": call.pk, "states": ["revision_requested"]},
    ]
    now = timezone.now()
    messages, recipients = [], []
    for n in range(OUTBOX_SENT + OUTBOX_DRAFTS):
        chosen = audiences[n % len(audiences)]
        sent = n < OUTBOX_SENT
        messages.append(
            OutboxMessage(
                subject_ru=f"Сообщение дирекции № {n + 1}: о сроках экспертизы",
                body_ru="Уважаемые коллеги! Напоминаем о сроках представления материалов. " * 6,
                audience=chosen["kind"],
                call_id=chosen.get("call_id"),
                states=chosen.get("states", []),
                group_id=chosen.get("group_id"),
                status=OutboxMessage.Status.SENT if sent else OutboxMessage.Status.DRAFT,
                created_by=office,
                decided_by=office if sent else None,
                decided_at=now - datetime.timedelta(days=12 * (OUTBOX_SENT - n)) if sent else None,
            )
        )
        recipients.append(list(outbox.audience(**chosen).values_list("pk", flat=True)))
    messages = OutboxMessage.objects.bulk_create(messages)
    through = OutboxMessage.recipients.through
    through.objects.bulk_create(
        (
            through(outboxmessage_id=message.pk, user_id=person)
            for message, people in zip(messages, recipients, strict=True)
            for person in people
        ),
        batch_size=5000,
    )
    Notice.objects.bulk_create(
        (
            Notice(
                recipient_id=person,
                text=message.subject_ru,
                url="/notices/",
                category=Notice.Category.DECISIONS,
                kind="outbox",
                subject=message.subject_ru,
                body=message.body_ru,
                read_at=message.decided_at if rng.random() < READ_SHARE else None,
                emailed_at=message.decided_at,
            )
            for message, people in zip(messages, recipients, strict=True)
            if message.status == OutboxMessage.Status.SENT
            for person in people
        ),
        batch_size=5000,
    )


def make_programme(cluster: dict) -> int:
    """The programme with every section approved (the financing matching the approved
    projects) and version 1 frozen and approved, through the services; its id."""
    from tests.programme.world import (
        approve_section,
        approved_version,
        financing_rows_matching,
        new_programme,
    )

    people = cluster["people"]
    programme = new_programme(people, first_year=2027, last_year=2032)
    for section in programme.sections.all():
        rows = financing_rows_matching(programme) if section.table == "financing" else None
        approve_section(section, people, rows=rows)
    return approved_version(programme, people).pk


def counts() -> dict[str, int]:
    from django.contrib.auth import get_user_model

    from documents.models import (
        Assignment,
        BudgetLine,
        OutboxMessage,
        Proposal,
        ProposalGroupObjectPermission,
        ProposalUserObjectPermission,
        ProposalVersion,
        Review,
    )
    from meetings.models import AgendaItem, Meeting
    from programme.models import ProgrammeVersion
    from workflow.models import AuditEntry, Notice

    return {
        "proposals": Proposal.objects.count(),
        "people": get_user_model().objects.count(),
        "user object permissions": ProposalUserObjectPermission.objects.count(),
        "group object permissions": ProposalGroupObjectPermission.objects.count(),
        "proposal versions": ProposalVersion.objects.count(),
        "budget lines": BudgetLine.objects.count(),
        "reviews": Review.objects.count(),
        "audit entries": AuditEntry.objects.count(),
        "expert assignments": Assignment.objects.count(),
        "notices": Notice.objects.count(),
        "messages of the office (sent)": OutboxMessage.objects.filter(status="sent").count(),
        "meetings": Meeting.objects.count(),
        "agenda items": AgendaItem.objects.count(),
        "programme versions": ProgrammeVersion.objects.count(),
    }


def generate(proposals: int, real: int, seed: int = 2014) -> dict:
    from django.db import connection
    from django.db.models import Count

    from documents.models import Proposal
    from signing import authority

    rng = random.Random(seed)
    started = time.perf_counter()
    # People of bodies get a certificate when they join one (tests/factories.py): the
    # authority must exist first, in this run's var folder.
    authority.ensure_ready()
    cluster = make_cluster_people(rng)
    print(f"  people: {time.perf_counter() - started:.0f} s", flush=True)
    templates = real_proposals(cluster, real, rng)
    print(
        f"  {real} proposals through the services: {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    copy_proposals(cluster, templates, proposals - real, rng)
    make_meetings(cluster, rng)
    make_outbox(cluster, rng)
    version_id = make_programme(cluster)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    result = counts()
    result["by state"] = dict(
        Proposal.objects.order_by("state").values_list("state").annotate(n=Count("pk"))
    )
    result["grants check"] = check_grants(50, rng)
    result["programme version"] = version_id
    result["seconds"] = round(time.perf_counter() - started)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--proposals", type=int, default=10_000)
    parser.add_argument("--real", type=int, default=72, help="built through the services")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        print(f"Creating {BENCH_DATABASE} and migrating it", flush=True)
        recreate_database(folder)
        setup_cluster_django(folder)
        result = generate(args.proposals, args.real)
    print(f"Generated {BENCH_DATABASE} in {result.pop('seconds')} s:")
    for name, value in result.items():
        print(f"  {name}: {value}")


if __name__ == "__main__":
    main()
