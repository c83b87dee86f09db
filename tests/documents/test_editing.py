"""Nothing typed is lost: a save that lost the race to another person's save is drawn again
with both versions (documents/merging.py), attachments change through htmx without touching
the form, and amounts are read and shown the way people write them."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from documents.models import Attachment, Proposal
from mbk.forms import AmountField, parse_amount
from mbk.money import money
from tests.documents.test_authoring_views import edit_data
from tests.factories import draft_proposal

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def draft(author, cluster):
    return draft_proposal(author)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def session(user) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return client


def edit(client, proposal, data):
    return client.post(f"/proposals/{proposal.pk}/edit/", data)


def fresh(proposal) -> Proposal:
    return Proposal.objects.get(pk=proposal.pk)


# --- A lost race ----------------------------------------------------------------------------
@pytest.mark.django_db
def test_stale_save_shows_both_texts_where_both_changed(draft, author, coauthor):
    first, second = session(author), session(author)
    mine = edit_data(second, draft, summary="Моя версия аннотации.", goals="Мои цели.")
    edit(first, draft, edit_data(first, draft, summary="Аннотация соавтора.", title="Новое имя"))

    response = edit(second, draft, mine)

    html = response.content.decode()
    merge = response.context["merge"]
    assert response.status_code == 409
    assert [u.name for u in merge.conflicts] == ["summary"]
    assert {u.name: u.outcome for u in merge.resolved} == {"title": "current", "goals": "mine"}
    assert "Моя версия аннотации." in html
    assert "Аннотация соавтора." in html
    assert 'data-testid="merge-summary-mine"' in html
    assert fresh(draft).summary == "Аннотация соавтора."


@pytest.mark.django_db
def test_stale_save_then_choice_saves_the_merge(draft, author):
    first, second = session(author), session(author)
    mine = edit_data(second, draft, summary="Моя аннотация.", goals="Мои цели.")
    edit(first, draft, edit_data(first, draft, summary="Чужая аннотация.", title="Новое имя"))
    page = edit(second, draft, mine)
    redrawn = edit_data_from(page)

    response = edit(second, draft, {**redrawn, "summary": "Моя аннотация. Чужая аннотация."})

    proposal = fresh(draft)
    assert response.status_code == 302
    assert proposal.summary == "Моя аннотация. Чужая аннотация."
    assert proposal.goals == "Мои цели."
    assert proposal.title == "Новое имя"


@pytest.mark.django_db
def test_stale_save_loops_when_the_proposal_changes_again(draft, author):
    first, second = session(author), session(author)
    mine = edit_data(second, draft, summary="Моя аннотация.")
    edit(first, draft, edit_data(first, draft, summary="Вторая правка."))
    redrawn = edit_data_from(edit(second, draft, mine))
    edit(first, draft, edit_data(first, draft, summary="Третья правка."))

    response = edit(second, draft, redrawn)

    html = response.content.decode()
    assert response.status_code == 409
    assert [u.name for u in response.context["merge"].conflicts] == ["summary"]
    assert "Моя аннотация." in html
    assert "Третья правка." in html
    assert fresh(draft).summary == "Третья правка."


@pytest.mark.django_db
def test_stale_save_compares_tables_whole_and_keeps_the_chosen_one(draft, author):
    first, second = session(author), session(author)
    mine = edit_data(second, draft, **{"budget-0-amount": "1 200 000"})
    edit(first, draft, edit_data(first, draft, **{"budget-0-amount": "900000"}))
    page = edit(second, draft, mine)
    unit = page.context["merge"].conflicts[0]

    response = edit(second, draft, {**edit_data_from(page), "keep-budget": "current"})

    assert (unit.name, unit.is_table) == ("budget", True)
    assert [unit.mine[0][2], unit.current[0][2]] == ["1200000", "900000"]
    assert response.status_code == 302
    assert list(fresh(draft).budget_lines.values_list("amount", flat=True)) == [
        Decimal("900000.00"),
        Decimal("2500000.00"),
    ]


@pytest.mark.django_db
def test_stale_save_with_my_table_kept_saves_my_rows(draft, author):
    first, second = session(author), session(author)
    mine = edit_data(second, draft, **{"budget-0-amount": "1 200 000"})
    edit(first, draft, edit_data(first, draft, **{"budget-0-amount": "900000"}))
    page = edit(second, draft, mine)

    response = edit(second, draft, {**edit_data_from(page), "keep-budget": "mine"})

    assert response.status_code == 302
    assert fresh(draft).budget_lines.order_by("year").first().amount == Decimal("1200000.00")


def edit_data_from(response) -> dict:
    """The re-drawn form as the browser would post it back."""
    edit = response.context["edit"]
    forms = [edit.main]
    for section in edit.sections:
        forms += [section.formset.management_form, *section.formset.forms]
    data = {}
    for form in forms:
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            data[field.html_name] = (
                [str(v) for v in value] if isinstance(value, list | tuple) else str(value)
            )
    return data


# --- Attachments through htmx ---------------------------------------------------------------
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.mark.django_db
def test_htmx_upload_answers_the_attachments_block_only(draft, author):
    client = session(author)
    drawn = fresh(draft).edition

    response = client.post(
        f"/proposals/{draft.pk}/attachments/",
        {"file": SimpleUploadedFile("План.pdf", PDF), "edition": str(drawn)},
        **HTMX,
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section class="card mb-4" id="attachments"')
    assert "<html" not in html
    assert "План.pdf" in html
    assert f'name="edition" value="{drawn + 1}" id="id_edition" hx-swap-oob="true"' in html
    assert Attachment.objects.get().original_name == "План.pdf"


@pytest.mark.django_db
def test_htmx_upload_after_someone_elses_save_leaves_the_form_stale(draft, author):
    client = session(author)
    drawn = fresh(draft).edition
    edit(session(author), draft, edit_data(session(author), draft, summary="Чужая правка."))

    response = client.post(
        f"/proposals/{draft.pk}/attachments/",
        {"file": SimpleUploadedFile("План.pdf", PDF), "edition": str(drawn)},
        **HTMX,
    )

    assert response.status_code == 200
    assert "hx-swap-oob" not in response.content.decode()


@pytest.mark.django_db
def test_htmx_upload_of_a_wrong_type_shows_the_error_in_the_block(draft, author):
    response = session(author).post(
        f"/proposals/{draft.pk}/attachments/",
        {"file": SimpleUploadedFile("x.pdf", b"<html>not a pdf</html>")},
        **HTMX,
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="upload-error"' in html
    assert "is not a PDF, DOCX, XLSX, ODT, PNG or JPEG document" in html
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_htmx_upload_too_large_shows_the_error_in_the_block(draft, author, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024

    response = session(author).post(
        f"/proposals/{draft.pk}/attachments/",
        {"file": SimpleUploadedFile("big.pdf", PDF + b"0" * 1024 * 1024)},
        **HTMX,
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "The file is larger than 1 MB." in html
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_htmx_delete_answers_the_block_without_the_file(draft, author):
    client = session(author)
    client.post(f"/proposals/{draft.pk}/attachments/", {"file": SimpleUploadedFile("a.pdf", PDF)})
    attachment = Attachment.objects.get()

    response = client.post(f"/attachments/{attachment.pk}/delete/", **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'data-testid="attachments-notice">«a.pdf» is removed.<' in html
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_upload_without_javascript_still_redirects(draft, author):
    response = session(author).post(
        f"/proposals/{draft.pk}/attachments/", {"file": SimpleUploadedFile("a.pdf", PDF)}
    )

    assert response.status_code == 302
    assert response.url == f"/proposals/{draft.pk}/edit/#attachments"


# --- Amounts and required fields ------------------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("5 000 000", Decimal("5000000")),
        ("5\u00a0000\u00a0000", Decimal("5000000")),
        ("5\u202f000,5", Decimal("5000.5")),
        ("1 234,50", Decimal("1234.50")),
        ("5,000,000.25", Decimal("5000000.25")),
        ("1234.5", Decimal("1234.5")),
        ("5,000", Decimal("5000")),
    ],
)
def test_amount_field_reads_amounts_as_people_type_them(typed, read):
    assert AmountField().clean(typed) == read


def test_amount_field_refuses_text():
    with pytest.raises(ValidationError) as refused:
        AmountField().clean("пять")

    assert parse_amount("пять") == "пять"
    assert refused.value.code == "invalid"


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (Decimal("5000000.00"), "5\u00a0000\u00a0000"),
        (Decimal("1234.50"), "1\u00a0234,50"),
        (Decimal("0.05"), "0,05"),
        (Decimal("0"), "0"),
        (None, ""),
    ],
)
def test_money_has_kopecks_only_when_there_are_any(amount, shown):
    with translation.override("ru"):
        assert money(amount) == shown


@pytest.mark.django_db
def test_edit_page_shows_amounts_with_spaces_and_marks_required_fields(draft, author):
    client = session(author)
    client.cookies["django_language"] = "ru"

    html = client.get(f"/proposals/{draft.pk}/edit/").content.decode()

    assert 'value="1 000 000"' in html
    assert 'inputmode="decimal"' in html
    assert 'data-testid="required-legend"' in html
    # the title, the direction, five texts and the contact's name and e-mail
    assert html.count("(обязательное поле)") == 9


@pytest.mark.django_db
def test_detail_shows_whole_roubles_without_kopecks(draft, author):
    client = session(author)
    client.cookies["django_language"] = "ru"

    html = client.get(f"/proposals/{draft.pk}/").content.decode()

    assert 'data-testid="budget-total">3\u00a0500\u00a0000<' in html
