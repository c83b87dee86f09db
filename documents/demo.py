"""A demo call for proposals and a few proposals at different stages, made through the same
services people use, so that the demo's history, permissions and notices are real."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from directory.models import Body, Direction, SupportInstrument
from documents import transitions
from documents.discussion import discussion_post
from documents.models import Call, CallQuestion, Proposal
from documents.questions import QuestionData, question_add
from documents.services import ProposalContent, call_open, proposal_create, proposal_update

DEMO_CALL = "Приём заявок на включение якорных проектов в Программу развития МБК"


def _questions(call: Call, office: User) -> dict[str, CallQuestion]:
    """Two questions beyond the proposal form. Optional both: the call is already open (only
    optional questions may be added then), and the browser tests submit proposals of this call
    without answering them."""
    site = question_add(
        call_id=call.pk,
        by=office,
        data=QuestionData(
            text_ru="Есть ли у проекта производственная площадка в Москве?",
            text_en="Does the project have a production site in Moscow?",
            kind=CallQuestion.Kind.YES_NO,
        ),
    )
    source = question_add(
        call_id=call.pk,
        by=office,
        data=QuestionData(
            text_ru="Откуда вы узнали о приёме заявок?",
            text_en="How did you learn of the call?",
            help_ru="Ответ читает только дирекция программы.",
            help_en="Only the programme office reads the answer.",
            kind=CallQuestion.Kind.TEXT,
            visibility=CallQuestion.Visibility.OFFICE,
        ),
    )
    return {"site": site, "source": source}


def _answers(questions: dict[str, CallQuestion], site: bool) -> dict[int, object]:
    return {
        questions["site"].pk: site,
        questions["source"].pk: "С сайта Московского биотехнологического кластера.",
    }


def _content(
    proposal: Proposal,
    summary: str,
    instrument_code: str,
    *,
    answers: dict[int, object] | None = None,
    infrastructure: list[str] = (),
) -> ProposalContent:
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
        infrastructure_groups=list(Body.objects.filter(code__in=infrastructure)),
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
        answers=answers,
    )


def _draft(
    author: User, call: Call, direction: str, title: str, summary: str, **content
) -> Proposal:
    proposal = proposal_create(
        by=author, call=call, direction=Direction.objects.get(code=direction), title=title
    )
    content = _content(proposal, summary, "subsidies", **content)
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
    questions = _questions(call, people["office"])

    _draft(
        people["author.agro"],
        call,
        "agrofood",
        "Ферментированные корма нового поколения",
        "Производство кормовых добавок на основе ферментации.",
        answers=_answers(questions, site=False),
    )

    in_review = _draft(
        people["author.biopharm"],
        call,
        "pharma",
        "Биоаналоги моноклональных антител для онкологии",
        "Разработка и производство биоаналогов трёх моноклональных антител.",
        answers=_answers(questions, site=True),
        infrastructure=["wg-engineering"],  # its opinion is requested when the review starts
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
    discussion_post(
        proposal_id=in_review.pk,
        by=people["expert1.pharma"],
        text=(
            "@chair.pharma предлагаю дождаться заключения группы «Инжиниринг» по опытной "
            "площадке до решения рабочей группы."
        ),
    )

    submitted = _draft(
        people["author.eco"],
        call,
        "ecology",
        "Биологическая переработка органических отходов мегаполиса",
        "Станция биоконверсии пищевых отходов в удобрения и биогаз.",
        answers=_answers(questions, site=True),
    )
    transitions.proposal_submit(proposal_id=submitted.pk, by=people["author.eco"])
