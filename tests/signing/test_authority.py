import datetime
import stat

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.utils import timezone

from mbk.exceptions import ActionRefusedError
from signing import authority, keys
from signing.models import Certificate
from tests.factories import OrganisationFactory, UserFactory
from tests.signing.conftest import forget_the_worlds_authority
from workflow import audit


@pytest.fixture
def fresh_ca_dir(settings, tmp_path, db):
    """An empty folder and no authority in the database: the authority is made anew (the
    shared one of the tests' world is set aside for this test)."""
    forget_the_worlds_authority()
    settings.MBK_CA_DIR = tmp_path / "ca"
    return settings.MBK_CA_DIR


def test_init_authority_writes_an_encrypted_key_file_readable_by_its_owner_only(fresh_ca_dir, db):
    ca = authority.init_authority()

    key_file = fresh_ca_dir / "ca-key.pem"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(fresh_ca_dir.stat().st_mode) == 0o700
    pem = key_file.read_bytes()
    assert pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    with pytest.raises(TypeError, match="Password was not given"):
        serialization.load_pem_private_key(pem, password=None)
    assert ca.encrypted_key == b""
    assert ca.kind == Certificate.Kind.CA
    assert ca.authority is None
    cert = authority.x509_of(ca)
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == (
        "Удостоверяющий центр МБК"
    )
    assert [entry.action for entry in audit.history(ca)] == ["authority_created"]


def test_init_authority_refuses_a_second_one_unless_forced(fresh_ca_dir, db):
    first = authority.init_authority()

    with pytest.raises(ActionRefusedError, match="Удостоверяющий центр уже существует"):
        authority.init_authority()
    second = authority.init_authority(force=True)

    assert second.pk != first.pk
    assert authority.current_authority() == second
    assert len(list(fresh_ca_dir.glob("ca-key.replaced-*.pem"))) == 1
    assert authority._authority_key(second)  # the key file is the new authority's


def test_ensure_ready_registers_the_authority_of_the_folder_again(fresh_ca_dir, db):
    made = authority.init_authority()
    fingerprint = made.fingerprint_sha256
    Certificate.objects.exclude(kind="ca").delete()  # a database emptied while the folder stayed
    Certificate.objects.all().delete()

    ready = authority.ensure_ready()

    assert ready.fingerprint_sha256 == fingerprint
    assert authority.seal_certificate().authority == ready
    assert authority.tsa_certificate().authority == ready
    assert authority.ensure_ready() == ready  # and nothing more on a second call
    assert Certificate.objects.count() == 3


def test_issue_refuses_without_an_authority(fresh_ca_dir, db):
    with pytest.raises(ActionRefusedError, match="сначала выполните manage"):
        authority.issue("seal")

    assert not Certificate.objects.exists()


def test_person_certificate_names_the_person_and_allows_signing_only(ready):
    organisation = OrganisationFactory(name_ru="ООО «БиоФарм Инновации»")
    person = UserFactory(
        username="p1",
        email="p1@example.ru",
        last_name="Константинопольская",
        first_name="Александра",
        middle_name="Владимировна",
        organisation=organisation,
    )

    certificate = authority.issue("person", person=person)

    cert = authority.x509_of(certificate)
    with authority.long_names():
        name = {attribute.oid: attribute.value for attribute in cert.subject}
    assert name[NameOID.COMMON_NAME] == "Константинопольская Александра Владимировна"
    assert name[NameOID.ORGANIZATION_NAME] == "ООО «БиоФарм Инновации»"
    assert name[NameOID.EMAIL_ADDRESS] == "p1@example.ru"
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical
    assert (usage.value.digital_signature, usage.value.content_commitment) == (True, True)
    assert (usage.value.key_cert_sign, usage.value.key_encipherment) == (False, False)
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False
    assert certificate.person == person
    assert certificate.authority == authority.current_authority()
    assert authority.certificate_of(person) == certificate
    entry = audit.history(certificate).get()
    assert entry.action == "certificate_issued"
    assert certificate.serial in entry.comment


def test_tsa_certificate_is_for_timestamping_only(ready):
    cert = authority.x509_of(authority.tsa_certificate())

    usage = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    assert usage.critical
    assert list(usage.value) == [ExtendedKeyUsageOID.TIME_STAMPING]


def test_seal_certificate_names_the_system(ready):
    cert = authority.x509_of(authority.seal_certificate())

    with authority.long_names():
        common_name = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    assert common_name == "Московский биотехнологический кластер — система"


def test_stored_key_is_encrypted_and_bound_to_its_certificate(ready, settings):
    person = UserFactory(username="p2")
    certificate = authority.issue("person", person=person)
    key = authority.private_key_of(certificate)
    raw = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    secret = key.private_numbers().private_value.to_bytes(32, "big")

    stored = bytes(Certificate.objects.get(pk=certificate.pk).encrypted_key)

    assert b"PRIVATE KEY" not in stored
    assert b"-----BEGIN" not in stored
    assert raw not in stored
    assert secret not in stored
    other = authority.seal_certificate()
    with pytest.raises(keys.KeyUnavailableError, match="does not decrypt"):
        keys.decrypt(stored, fingerprint=other.fingerprint_sha256)
    settings.MBK_SIGNING_KEY = "another-signing-key-of-forty-characters-0000"
    with pytest.raises(keys.KeyUnavailableError, match="does not decrypt"):
        authority.private_key_of(certificate)


def test_revoke_records_who_when_and_why(ready, office):
    person = UserFactory(username="p3")
    certificate = authority.issue("person", person=person, by=office)

    authority.revoke(certificate, by=office, reason="Ключ скомпрометирован")

    certificate.refresh_from_db()
    assert certificate.revoked_by == office
    assert certificate.revocation_reason == "Ключ скомпрометирован"
    assert not certificate.is_valid_at(timezone.now())
    assert authority.certificate_of(person) is None
    assert [entry.action for entry in audit.history(certificate)] == [
        "certificate_issued",
        "certificate_revoked",
    ]
    with pytest.raises(ActionRefusedError, match="уже отозван"):
        authority.revoke(certificate, by=office, reason="again")


def test_revoke_refuses_without_a_reason_and_changes_nothing(ready):
    certificate = authority.seal_certificate()

    with pytest.raises(ActionRefusedError, match="Укажите причину отзыва"):
        authority.revoke(certificate, reason="  ")

    certificate.refresh_from_db()
    assert certificate.revoked_at is None


def test_valid_excludes_revoked_expired_and_future_certificates(ready):
    now = timezone.now()
    seal = authority.seal_certificate()
    revoked = authority.issue("seal")
    authority.revoke(revoked, reason="test")

    valid = set(Certificate.objects.valid().filter(kind="seal"))

    assert valid == {seal}
    assert seal.is_valid_at(now)
    assert not seal.is_valid_at(seal.not_after)
    assert not seal.is_valid_at(seal.not_before - datetime.timedelta(seconds=1))


def test_issue_refuses_an_inactive_person(ready):
    person = UserFactory(username="gone", is_active=False)

    with pytest.raises(ActionRefusedError, match="неактивный пользователь"):
        authority.issue("person", person=person)

    assert not person.certificates.exists()
