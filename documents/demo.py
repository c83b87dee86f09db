"""A demo call for proposals and a few proposals at different stages, made through the same
services people use, so that the demo's history, permissions and notices are real."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from directory.models import Direction, SupportInstrument
from documents import transitions
from documents.models import Call, Proposal
from documents.services import ProposalContent, call_open, proposal_create, proposal_update

DEMO_CALL = "Приём заявок на включение якорных проектов в Программу развития МБК"


def _content(proposal: Proposal, summary: str, instrument_code: str) -> ProposalContent:
    years = proposal.call.years
    return ProposalContent(
        fields={
            "title": proposal.title,
            "summary": summary,
            "goals": "Создание в Москве производства полного цикла и импортозамещение.",
            "description": (
                "Проект включает НИОКР, создание опытно-промышленной площадки и вывод "
                "продукции на рынок Москвы и регионов России."
            ),
            "readiness_level": 5,
            "expected_results": "Выпуск продукции, 120 высокопроизводительных рабочих мест.",
            "investors_and_partners": "Фонд «Биопроцесс Кэпитал» (якорный инвестор)",
            "contact_name": proposal.author.get_full_name(),
            "contact_email": proposal.author.email,
            "contact_phone": "+7 495 000-00-00",
        },
        infrastructure_groups=[],
        services=[],
        budget_lines=[
            {"year": years[0], "source": "own", "amount": Decimal("45000000")},
            {"year": years[0], "source": "private", "amount": Decimal("30000000")},
            {"year": years[1], "source": "city", "amount": Decimal("25000000")},
            {"year": years[2], "source": "federal", "amount": Decimal("60000000")},
        ],
        indicators=[
            {
                "name": "Выручка от реализации продукции",
                "unit": "млн руб.",
                "baseline": Decimal("0"),
                "targets": {str(y): str(50 * n) for n, y in enumerate(years, start=1)},
            },
            {
                "name": "Созданные рабочие места",
                "unit": "чел.",
                "baseline": Decimal("12"),
                "targets": {str(y): str(30 * n) for n, y in enumerate(years, start=1)},
            },
        ],
        requested_instruments=[
            {
                "instrument": SupportInstrument.objects.get(code=instrument_code),
                "justification": "Компенсация части затрат на оборудование опытной площадки.",
            }
        ],
        milestones=[
            {"name": "Опытная партия продукции", "due_on": datetime.date(years[0], 9, 30)},
            {"name": "Регистрация и вывод на рынок", "due_on": datetime.date(years[-1], 6, 30)},
        ],
    )


def _draft(author: User, call: Call, direction: str, title: str, summary: str) -> Proposal:
    proposal = proposal_create(
        by=author, call=call, direction=Direction.objects.get(code=direction), title=title
    )
    content = _content(proposal, summary, "subsidies")
    return proposal_update(
        proposal_id=proposal.pk, by=author, content=content, seen_edition=proposal.edition
    )


@transaction.atomic
def load_demo_proposals() -> None:
    """Create the demo call and proposals unless they exist (matched by title)."""
    if Call.objects.filter(title_ru=DEMO_CALL).exists():
        return
    people = {user.username: user for user in User.objects.all()}
    today = timezone.localdate()
    call = call_open(
        by=people["office"],
        title_ru=DEMO_CALL,
        title_en="Call for anchor projects of the MBK development programme",
        directions=list(Direction.objects.all()),
        opens_on=today - datetime.timedelta(days=30),
        closes_on=today + datetime.timedelta(days=60),
        first_year=today.year + 1,
        last_year=today.year + 3,
        guide=(
            "Заявка подаётся по форме системы. Приложите бизнес-план (PDF или DOCX) и "
            "письма поддержки партнёров. Бюджет указывается по годам и источникам."
        ),
    )

    _draft(
        people["author.agro"],
        call,
        "agrofood",
        "Ферментированные корма нового поколения",
        "Производство кормовых добавок на основе ферментации.",
    )

    in_review = _draft(
        people["author.biopharm"],
        call,
        "pharma",
        "Биоаналоги моноклональных антител для онкологии",
        "Разработка и производство биоаналогов трёх моноклональных антител.",
    )
    transitions.proposal_submit(proposal_id=in_review.pk, by=people["author.biopharm"])
    transitions.proposal_assign_experts(
        proposal_id=in_review.pk,
        by=people["chair.pharma"],
        experts=[people["expert1.pharma"], people["expert2.pharma"]],
    )
    transitions.proposal_review(
        proposal_id=in_review.pk,
        by=people["expert1.pharma"],
        scores={"relevance": 5, "science": 4, "market": 4, "feasibility": 4, "team": 5},
        recommendation="approve",
        comments="Проект соответствует приоритетам кластера; бюджет обоснован.",
    )

    submitted = _draft(
        people["author.eco"],
        call,
        "ecology",
        "Биологическая переработка органических отходов мегаполиса",
        "Станция биоконверсии пищевых отходов в удобрения и биогаз.",
    )
    transitions.proposal_submit(proposal_id=submitted.pk, by=people["author.eco"])
