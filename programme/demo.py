"""A demo programme: the typical sections with texts, three of them approved through the
same services people use, one before its owner, and a version being drafted."""

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from programme import services
from programme.models import Programme

DEMO_TITLE = "Программа развития Московского биотехнологического кластера"

TEXTS = {
    "passport": (
        "**Наименование:** Программа развития Московского биотехнологического кластера.\n\n"
        "**Координатор:** Дирекция программы МБК (Future Biotech, ИК «Аберкейд») при содействии "
        "технологической платформы «БиоТех 2030».\n\n"
        "**Приоритетные направления:**\n\n"
        "1. Фармацевтика и биомедицина\n2. Агропищевой сектор\n"
        "3. Экология и утилизация отходов\n4. Промышленные биотехнологии\n"
    ),
    "characteristics": (
        "Кластер объединяет компании, научные организации и университеты Москвы, работающие в "
        "области биотехнологий. Первое заседание 4 сентября 2014 года определило приоритетные "
        "направления и создало отраслевые и инфраструктурные рабочие группы.\n"
    ),
    "goals": (
        "## Цель\n\nУскоренное развитие биотехнологической отрасли Москвы.\n\n"
        "## Задачи\n\n- отбор и сопровождение якорных проектов;\n"
        "- развитие инфраструктуры кластера;\n- привлечение частных инвестиций.\n"
    ),
    "directions": "Развитие кластера ведётся по четырём приоритетным отраслевым направлениям.\n",
    "activities": "Мероприятия программы сгруппированы по направлениям развития.\n",
}


def _indicator_rows(years: list[int]) -> list[dict]:
    return [
        {
            "name": "Число якорных проектов кластера",
            "unit": "ед.",
            "baseline": "0",
            "targets": {str(y): str(4 * n) for n, y in enumerate(years, start=1)},
        },
        {
            "name": "Объём частных инвестиций в проекты",
            "unit": "млн руб.",
            "baseline": "0",
            "targets": {str(y): str(500 * n) for n, y in enumerate(years, start=1)},
        },
    ]


@transaction.atomic
def load_demo_programme() -> Programme:
    existing = Programme.objects.filter(title_ru=DEMO_TITLE).first()
    if existing:
        return existing
    people = {user.username: user for user in User.objects.all()}
    office, secretary = people["office"], people["secretary"]
    year = timezone.localdate().year
    programme = services.programme_create(
        title_ru=DEMO_TITLE,
        title_en="Development programme of the Moscow Biotechnology Cluster",
        first_year=year + 1,
        last_year=year + 3,
        by=office,
    )
    sections = {section.code: section for section in programme.sections.all()}
    for code, text in TEXTS.items():
        rows = _indicator_rows(programme.years) if code == "goals" else []
        services.section_write(
            section_id=sections[code].pk, by=office, text=text, rows=rows, seen_edition=None
        )
    for number, code in enumerate(["passport", "characteristics", "goals"], start=1):
        section_id = sections[code].pk
        services.section_submit(section_id=section_id, by=office)
        services.section_approve_in_group(section_id=section_id, by=office)
        services.section_send_to_governance(section_id=section_id, by=office)
        services.section_governance_approve(
            section_id=section_id, by=secretary, reference=f"протокол № 2, п. {number}"
        )
    services.section_submit(section_id=sections["directions"].pk, by=office)
    services.version_create(programme_id=programme.pk, by=office, note="Первая редакция программы")
    return programme
