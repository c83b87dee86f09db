import pytest

from mbk.exceptions import ActionRefusedError
from signing import authority
from signing.models import IssuedDocument, Signoff
from signing.services import register_issued, sign_off, signoffs_of, spec_of
from tests.factories import UserFactory
from tests.signing.conftest import sign, spec
from workflow import audit


def test_sign_off_records_the_act_with_the_certificate_in_force(signatory, organisation):
    signoff = sign_off(subject=organisation, person=signatory, role="chair", reason="Утверждаю")

    assert signoff.certificate == authority.certificate_of(signatory)
    assert signoff.subject == organisation
    assert signoffs_of(organisation) == [signoff]
    entry = audit.history(organisation).get()
    assert (entry.action, entry.actor) == ("signed_off", signatory)
    assert spec_of(signoff).signed_at == signoff.signed_at


def test_sign_off_twice_returns_the_first(signatory, organisation):
    first = sign_off(subject=organisation, person=signatory, role="chair", reason="Утверждаю")

    second = sign_off(subject=organisation, person=signatory, role="chair", reason="Иначе")

    assert second == first
    assert second.reason == "Утверждаю"
    assert audit.history(organisation).count() == 1


def test_sign_off_refuses_without_a_certificate_and_records_nothing(ready, organisation):
    person = UserFactory(username="no-certificate")

    with pytest.raises(ActionRefusedError, match="не может подписать"):
        sign_off(subject=organisation, person=person, role="chair", reason="Утверждаю")

    assert not Signoff.objects.exists()
    assert not audit.history(organisation).exists()


def test_register_issued_is_idempotent_per_file(signatory, organisation, plain_pdf):
    specs = [spec(signatory, role="secretary"), spec(None, hours_ago=0)]
    data = sign(plain_pdf, *specs)

    first = register_issued(
        pdf=data, kind="sample", subject=organisation, title="Протокол", specs=specs, job_id=7
    )
    again = register_issued(pdf=data, kind="sample", subject=organisation, title="Другое")

    assert again == first
    assert IssuedDocument.objects.count() == 1
    assert (first.subject, first.job_id) == (organisation, 7)
    assert [signatory["role"] for signatory in first.signatories] == ["secretary", "seal"]
