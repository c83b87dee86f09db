from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from signing import authority
from signing.models import Certificate
from signing.services import register_issued
from tests.factories import MembershipFactory, UserFactory
from tests.signing.conftest import forget_the_worlds_authority, sign, spec
from tests.signing.test_signing import flipped


def run(*args) -> str:
    output = StringIO()
    call_command(*args, stdout=output)
    return output.getvalue()


def test_ca_init_makes_the_authority_seal_and_timestamping_unit_once(settings, tmp_path, db):
    forget_the_worlds_authority()
    settings.MBK_CA_DIR = tmp_path / "ca"

    output = run("ca_init")

    assert "удостоверяющий центр" in output
    assert "печать системы" in output
    assert "служба меток времени" in output
    assert Certificate.objects.count() == 3
    with pytest.raises(CommandError, match="Удостоверяющий центр уже существует"):
        run("ca_init")


def test_ca_issue_a_persons_certificate(ready):
    person = UserFactory(username="secretary.council")

    output = run("ca_issue", "--person", "secretary.council", "--years", "2")

    certificate = authority.certificate_of(person)
    assert certificate.serial in output
    assert "действует" in output


def test_ca_issue_signatories_certifies_chairs_and_secretaries_without_one_once(ready, cluster):
    chair = MembershipFactory(body=cluster["wg-pharma"], role="chair", certificate=False).user
    secretary = MembershipFactory(body=cluster["council"], role="secretary", certificate=False).user
    member = MembershipFactory(body=cluster["council"], role="member").user
    gone = MembershipFactory(
        body=cluster["council"], role="chair", certificate=False, user__is_active=False
    ).user

    first = run("ca_issue", "--signatories")
    again = run("ca_issue", "--signatories")

    holders = {p: authority.certificate_of(p) is not None for p in (chair, secretary, member, gone)}
    assert holders == {chair: True, secretary: True, member: False, gone: False}
    assert "Выпущено сертификатов: 2." in first
    assert "Выпущено сертификатов: 0." in again


def test_ca_issue_refuses_an_unknown_login(ready):
    with pytest.raises(CommandError, match="Нет пользователя с логином «nobody»"):
        run("ca_issue", "--person", "nobody")


def test_ca_revoke_by_serial(ready):
    seal = authority.seal_certificate()

    output = run("ca_revoke", seal.serial.lower(), "--reason", "Замена печати")

    seal.refresh_from_db()
    assert seal.revocation_reason == "Замена печати"
    assert "отозван" in output
    with pytest.raises(CommandError, match="Нет сертификата"):
        run("ca_revoke", "00FF", "--reason", "x")


def test_ca_list_shows_every_certificate(ready):
    output = run("ca_list")

    assert len(output.strip().splitlines()) == 3


def test_verify_pdf_exits_zero_only_for_a_genuine_file(
    signatory, organisation, plain_pdf, tmp_path
):
    specs = [spec(signatory), spec(None, hours_ago=0)]
    data = sign(plain_pdf, *specs)
    register_issued(pdf=data, kind="sample", subject=organisation, title="Протокол", specs=specs)
    genuine, changed = tmp_path / "genuine.pdf", tmp_path / "changed.pdf"
    genuine.write_bytes(data)
    changed.write_bytes(flipped(data))

    output = run("verify_pdf", str(genuine))

    assert "Заключение: подлинный (genuine)" in output
    assert "Подпись 1 (Signature-1): Петрова Анна Сергеевна, chair" in output
    with pytest.raises(CommandError, match="Документ изменён после подписания") as refusal:
        run("verify_pdf", str(changed))
    assert refusal.value.returncode == 1
