"""The certificate authority of the tests: its folder (key file and certificate) is made once
per test process, in a temporary folder, never a developer's var/ca, and its rows (the
authority, the seal, the time-stamping unit) are in every test's world (tests/conftest.py);
`ready` returns it."""

import datetime
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from django.utils import timezone

from documents.pdf.render import html_to_pdf
from signing import authority
from signing.backends import SignatureSpec
from signing.builtin import ClusterSigner
from tests.conftest import unavailable

PDFSIG = Path("/usr/bin/pdfsig")


@pytest.fixture
def ca_dir(settings) -> Path:
    """The authority's folder of this test process (tests/conftest.py)."""
    return Path(settings.MBK_CA_DIR)


@pytest.fixture
def ready(db, ca_dir):
    """The authority (its key made on the first use in this process), the seal and the
    time-stamping unit."""
    return authority.ensure_ready()


@pytest.fixture(scope="session")
def plain_pdf() -> bytes:
    """A ten-page document as the PDF pipeline renders it (WeasyPrint), unsigned."""
    pages = "".join(
        f"<section style='page-break-after: always'><h2>Раздел {number}</h2>"
        f"<p>Текст раздела {number} протокола заседания.</p></section>"
        for number in range(1, 11)
    )
    html = f"<html lang='ru'><body><h1>Протокол заседания № 2</h1>{pages}</body></html>"
    return html_to_pdf(html, title="Протокол № 2", author="МБК", language="ru")


@pytest.fixture
def signatory(ready, django_user_model):
    from tests.factories import UserFactory

    person = UserFactory(
        username="chair.pharma", last_name="Петрова", first_name="Анна", middle_name="Сергеевна"
    )
    authority.issue("person", person=person)
    return person


def spec(person=None, *, role=None, reason="Утверждаю", hours_ago=1) -> SignatureSpec:
    return SignatureSpec(
        person=person,
        role=role or ("seal" if person is None else "chair"),
        reason=reason,
        signed_at=timezone.now() - datetime.timedelta(hours=hours_ago),
    )


def sign(pdf: bytes, *specs: SignatureSpec, document_id: str = "minutes-2") -> bytes:
    return ClusterSigner().sign(pdf, list(specs), document_id=document_id)


CERTUTIL = Path("/usr/bin/certutil")


def trust_store_with_our_authority(folder: Path) -> str:
    """An NSS database that trusts the cluster's authority, as an outside reader makes one
    with the authority's certificate (`ca_list`/MBK_CA_DIR) and NSS's own tool."""
    store = empty_trust_store(folder)
    pem = folder / "ca-certificate.pem"
    pem.write_text(authority.current_authority().certificate_pem)
    subprocess.run(
        [str(CERTUTIL), "-d", store, "-A", "-n", "MBK CA", "-t", "CT,C,C", "-i", str(pem)],
        check=True,
        capture_output=True,
    )
    return store


def empty_trust_store(folder: Path) -> str:
    if not CERTUTIL.exists():
        unavailable("NSS's certutil is not installed (bin/install --test installs libnss3-tools)")
    folder.mkdir(parents=True)
    store = f"sql:{folder}"
    subprocess.run(
        [str(CERTUTIL), "-d", store, "-N", "--empty-password"], check=True, capture_output=True
    )
    return store


def nss_verdicts(data: bytes, tmp_path: Path, *, trusting_us: bool = True) -> list[str]:
    """What NSS (certutil -V, usage: signing e-mail/documents) says of each signer's certificate
    embedded in the PDF, trusting only our authority (or nothing)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    folder = tmp_path / "nss"
    store = trust_store_with_our_authority(folder) if trusting_us else empty_trust_store(folder)
    verdicts = []
    for number, signature in enumerate(PdfFileReader(BytesIO(data)).embedded_signatures):
        der = tmp_path / f"signer-{number}.der"
        der.write_bytes(signature.signer_cert.dump())
        name = f"signer {number}"
        subprocess.run(
            [str(CERTUTIL), "-d", store, "-A", "-n", name, "-t", ",,", "-i", str(der)],
            check=True,
            capture_output=True,
        )
        checked = subprocess.run(
            [str(CERTUTIL), "-d", store, "-V", "-u", "S", "-e", "-n", name],
            capture_output=True,
            text=True,
            check=False,
        )
        verdicts.append((checked.stdout + checked.stderr).strip())
    return verdicts


def pdfsig(data: bytes, tmp_path: Path) -> str:
    """What poppler's pdfsig says of the file (NSS; no network). (Given a trust store with our
    authority, poppler 22.12 reports "Unknown issue with Certificate" for a chain NSS's own
    certutil accepts, cause not found: nss_verdicts checks the chain instead.)"""
    if not PDFSIG.exists():
        unavailable("poppler-utils' pdfsig is not installed (bin/install --test installs it)")
    path = tmp_path / "checked.pdf"
    path.write_bytes(data)
    result = subprocess.run(
        [str(PDFSIG), "-no-ocsp", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return result.stdout + result.stderr


def forget_the_worlds_authority() -> None:
    """The world's certificates gone (in this test's transaction only), issued ones first."""
    from signing.models import Certificate

    Certificate.objects.exclude(kind=Certificate.Kind.CA).delete()
    Certificate.objects.all().delete()


@pytest.fixture
def people(db):
    from tests.workflow.states import make_people

    return make_people()
