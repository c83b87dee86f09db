"""Demo people and organisations for trying the system out (fictional, except the cluster's
own bodies and the public organisations named in the 2014 press releases)."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from directory.models import Affiliation, Body, Membership, Organisation
from mbk.gender import guess_gender

User = get_user_model()

DEMO_ORGANISATIONS = [
    # name_ru, name_en, kind, INN, status
    ("ООО «БиоФармСинтез»", "BioPharmSynthesis LLC", "company", "7712345671", "confirmed"),
    ("АО «АгроБиоТех»", "AgroBioTech JSC", "company", "7709876545", "confirmed"),
    ("ООО «ЭкоБиоРесурс»", "EcoBioResource LLC", "company", "7723456782", "confirmed"),
    (
        "Институт прикладной биотехнологии",
        "Institute of Applied Biotechnology",
        "research",
        "7734567893",
        "confirmed",
    ),
    (
        "Московский университет наук о жизни",
        "Moscow University of Life Sciences",
        "university",
        "7745678901",
        "confirmed",
    ),
    ("ООО «НовоКлетка»", "NovoKletka LLC", "company", "7756789018", "proposed"),
]


@dataclass(frozen=True)
class DemoPerson:
    username: str
    last_name: str
    first_name: str
    middle_name: str
    organisation: str
    memberships: tuple[tuple[str, str], ...] = ()  # (body code, role)
    role_label: str = ""


_SECTORAL = [
    (
        "pharma",
        ("Волкова", "Ирина", "Сергеевна"),
        ("Лебедев", "Андрей", "Павлович"),
        ("Соколова", "Мария", "Игоревна"),
    ),
    (
        "agrofood",
        ("Кузнецов", "Дмитрий", "Олегович"),
        ("Морозова", "Елена", "Викторовна"),
        ("Новиков", "Павел", "Андреевич"),
    ),
    (
        "ecology",
        ("Фёдорова", "Анна", "Михайловна"),
        ("Попов", "Сергей", "Николаевич"),
        ("Егорова", "Ольга", "Алексеевна"),
    ),
    (
        "industrial",
        ("Смирнов", "Алексей", "Юрьевич"),
        ("Васильева", "Татьяна", "Романовна"),
        ("Павлов", "Игорь", "Дмитриевич"),
    ),
]
_INSTITUTE = "Институт прикладной биотехнологии"
_UNIVERSITY = "Московский университет наук о жизни"
# The chairs all work at the institute: each group has a deputy chair from elsewhere, who
# decides on the institute's proposals in the chair's place (a conflict of interest).
_DEPUTIES = {
    "pharma": ("Антонова", "Вера", "Николаевна", "Технологическая платформа «БиоТех 2030»"),
    "agrofood": ("Медведев", "Григорий", "Львович", "Центр инновационного развития Москвы"),
    "ecology": ("Захарова", "Нина", "Петровна", _UNIVERSITY),
    "industrial": ("Борисов", "Артём", "Ильич", "Технологическая платформа «БиоТех 2030»"),
}


def demo_people() -> list[DemoPerson]:
    people = [
        DemoPerson(
            "office",
            "Орлова",
            "Наталья",
            "Владимировна",
            "Future Biotech",
            (("programme-office", "staff"),),
            "programme office",
        ),
        DemoPerson(
            "council.chair",
            "Григорьев",
            "Виктор",
            "Андреевич",
            "Центр инновационного развития Москвы",
            (("council", "chair"),),
            "governance body chair",
        ),
        DemoPerson(
            "secretary",
            "Белова",
            "Светлана",
            "Петровна",
            "Исследовательская компания «Аберкейд»",
            (
                ("council", "secretary"),
                ("wg-pharma", "secretary"),
                ("wg-agrofood", "secretary"),
                ("wg-ecology", "secretary"),
                ("wg-industrial", "secretary"),
            ),
            "secretary",
        ),
    ]
    council_members = [
        ("Тихонов", "Олег", "Борисович", _INSTITUTE),
        ("Зайцева", "Людмила", "Геннадьевна", _UNIVERSITY),
        ("Крылов", "Михаил", "Евгеньевич", "Технологическая платформа «БиоТех 2030»"),
    ]
    for number, (last, first, middle, org) in enumerate(council_members, start=1):
        people.append(
            DemoPerson(
                f"council.member{number}",
                last,
                first,
                middle,
                org,
                (("council", "member"),),
                "governance body member",
            )
        )
    for code, chair, expert1, expert2 in _SECTORAL:
        group = f"wg-{code}"
        people.append(
            DemoPerson(
                f"chair.{code}", *chair, _INSTITUTE, ((group, "chair"),), "working-group chair"
            )
        )
        *deputy, deputy_organisation = _DEPUTIES[code]
        people.append(
            DemoPerson(
                f"deputy.{code}",
                *deputy,
                deputy_organisation,
                ((group, "deputy_chair"),),
                "working-group deputy chair",
            )
        )
        people.append(
            DemoPerson(
                f"expert1.{code}",
                *expert1,
                _UNIVERSITY,
                ((group, "expert"),),
                "working-group expert",
            )
        )
        people.append(
            DemoPerson(
                f"expert2.{code}",
                *expert2,
                _INSTITUTE,
                ((group, "expert"),),
                "working-group expert",
            )
        )
    # The chair of an infrastructure group: gives its opinion on the proposals naming it.
    people.append(
        DemoPerson(
            "chair.engineering",
            "Зуев",
            "Кирилл",
            "Аркадьевич",
            "Центр инновационного развития Москвы",
            (("wg-engineering", "chair"),),
            "infrastructure group chair",
        )
    )
    people += [
        DemoPerson(
            "author.biopharm",
            "Ковалёв",
            "Роман",
            "Игоревич",
            "ООО «БиоФармСинтез»",
            role_label="project author",
        ),
        DemoPerson(
            "coauthor.biopharm",
            "Никитина",
            "Юлия",
            "Андреевна",
            "ООО «БиоФармСинтез»",
            role_label="project author (co-author)",
        ),
        DemoPerson(
            "author.agro",
            "Степанов",
            "Илья",
            "Викторович",
            "АО «АгроБиоТех»",
            role_label="project author",
        ),
        DemoPerson(
            "author.eco",
            "Григорьева",
            "Дарья",
            "Олеговна",
            "ООО «ЭкоБиоРесурс»",
            role_label="project author",
        ),
        DemoPerson(
            "author.novo",
            "Макаров",
            "Константин",
            "Сергеевич",
            "ООО «НовоКлетка»",
            role_label="project author (organisation awaiting confirmation)",
        ),
        DemoPerson(
            "observer",
            "Романова",
            "Екатерина",
            "Александровна",
            "Департамент науки, промышленной политики и предпринимательства города Москвы",
            (("council", "observer"),),
            "observer",
        ),
    ]
    return people


# What the programme office may edit in the admin: the directory and people's roles.
_OFFICE_MODEL_PERMISSIONS = {
    "directory": [
        "direction",
        "body",
        "membership",
        "organisation",
        "affiliation",
        "supportinstrument",
        "servicetype",
    ],
    "accounts": ["user"],
    "documents": ["call", "reviewcriterion", "proposal"],
    "workflow": ["auditentry"],
}


def _programme_office_group() -> Group:
    group, _ = Group.objects.get_or_create(name="programme-office")
    for app_label, models in _OFFICE_MODEL_PERMISSIONS.items():
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label=app_label, content_type__model__in=models
            ).exclude(codename="delete_user")
        )
    return group


@transaction.atomic
def load_demo(*, password: str) -> list[DemoPerson]:
    """Create the demo organisations and people that are missing; set every demo password."""
    for name_ru, name_en, kind, inn, status in DEMO_ORGANISATIONS:
        Organisation.objects.get_or_create(
            name_ru=name_ru,
            defaults={"name_en": name_en, "kind": kind, "inn": inn, "status": status},
        )
    organisations = {org.name_ru: org for org in Organisation.objects.all()}
    bodies = {body.code: body for body in Body.objects.all()}
    office_group = _programme_office_group()
    people = demo_people()
    for person in people:
        user, _ = User.objects.get_or_create(
            username=person.username,
            defaults={
                "last_name": person.last_name,
                "first_name": person.first_name,
                "middle_name": person.middle_name,
                "gender": guess_gender(person.middle_name),
                "email": f"{person.username}@demo.mbk.localhost",
                "organisation": organisations[person.organisation],
            },
        )
        user.set_password(password)
        if person.username == "office":
            user.is_staff = True
            user.groups.add(office_group)
        user.save()
        for body_code, role in person.memberships:
            Membership.objects.get_or_create(
                body=bodies[body_code], user=user, defaults={"role": role}
            )
        if user.organisation_id and user.organisation.status == Organisation.Status.CONFIRMED:
            Affiliation.objects.get_or_create(
                user=user,
                organisation=user.organisation,
                defaults={"status": Affiliation.Status.CONFIRMED},
            )
    # A contact person who confirms colleagues joining the organisation (besides the office).
    Organisation.objects.filter(name_ru="ООО «БиоФармСинтез»", contact=None).update(
        contact=User.objects.get(username="author.biopharm")
    )
    return people
