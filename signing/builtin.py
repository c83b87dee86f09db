"""The built-in signer: PAdES signatures with the keys of the cluster's own certificate authority.

What it is legally: an unqualified electronic signature (неквалифицированная электронная
подпись, Federal Law 63-FZ, art. 5 part 3) made with keys that the system holds on the
signatory's behalf, after the signatory's own act in the system (their sign-off, recorded and
audited). It proves that the file is the one the system issued and that it has not changed since;
it is binding between the participants insofar as they agree to it (the cluster's regulations).
It is NOT a qualified signature (КЭП): that needs a key under the signatory's sole control and a
certificate of an accredited certification centre, ГОСТ Р 34.10-2012 / 34.11-2012; plug such a
provider in through `signing.backends.Signer` (setting MBK_SIGNER).

Each signature is PAdES baseline B-T: a CAdES detached CMS (SHA-256, ECDSA P-256) over the
whole revision, with the signer's certificate and our authority's in the CMS, the claimed
signing time (the person's act) in the signature dictionary's /M (PAdES forbids the CMS
signing-time attribute), and an RFC 3161 timestamp token of our time-stamping unit on the
signature value. Each signature is an incremental update in an invisible field
`Signature-<n>`; the first writes the document's id into the document information dictionary
(/MBKDocumentID), so that every signature covers it.
"""

from io import BytesIO

from asn1crypto import keys as asn1_keys
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.decode_limits import DecodeLimits
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from mbk.exceptions import ActionRefusedError
from signing import authority, keys
from signing.asyncs import outside_any_event_loop
from signing.backends import SignatureSpec
from signing.models import Certificate
from signing.timestamps import ClusterTimeStamper

DOCUMENT_ID_KEY = "/MBKDocumentID"
FIELD_PREFIX = "Signature-"


class _SignerAt(signers.PdfSigner):
    """pyHanko's PDF signer, with the claimed signing time (/M) set to the person's act."""

    def __init__(self, *args, claimed_at, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._claimed_at = claimed_at

    def init_signing_session(self, pdf_out, existing_fields_only=False):
        session = super().init_signing_session(pdf_out, existing_fields_only=existing_fields_only)
        session.system_time = self._claimed_at
        return session


class ClusterSigner:
    name = _("unqualified electronic signature of the MBK certificate authority")

    def can_sign(self, person) -> bool:
        return person is None or authority.certificate_of(person) is not None

    def sign(
        self,
        pdf: bytes,
        specs: list[SignatureSpec],
        *,
        document_id: str,
        location: str = "Москва",
    ) -> bytes:
        if not specs:
            raise ValueError("sign() needs at least one SignatureSpec")
        now = timezone.now()
        for spec in specs:
            if timezone.is_naive(spec.signed_at) or spec.signed_at > now:
                raise ValueError(f"signed_at must be an aware moment not in the future: {spec}")
        # Every certificate is looked up before anything is signed: a refusal changes nothing.
        certificates = [self._certificate_for(spec) for spec in specs]
        tsa = authority.tsa_certificate()
        timestamper = ClusterTimeStamper(
            authority.asn1_of(tsa),
            keys.pkcs8(authority.private_key_of(tsa)),
            chain=[authority.asn1_of(tsa.authority)],
        )
        data = pdf
        first_number = _signature_count(pdf) + 1
        for index, (spec, certificate) in enumerate(zip(specs, certificates, strict=True)):
            writer = IncrementalPdfFileWriter(
                BytesIO(data), decode_limits=DecodeLimits.for_trusted_input()
            )
            if index == 0:
                _write_document_id(writer, document_id)
            signer = signers.SimpleSigner(
                signing_cert=authority.asn1_of(certificate),
                signing_key=asn1_keys.PrivateKeyInfo.load(
                    keys.pkcs8(authority.private_key_of(certificate))
                ),
                cert_registry=SimpleCertificateStore.from_certs(
                    [authority.asn1_of(certificate.authority)]
                ),
            )
            metadata = signers.PdfSignatureMetadata(
                field_name=f"{FIELD_PREFIX}{first_number + index}",
                md_algorithm="sha256",
                reason=spec.reason,
                location=location,
                subfilter=fields.SigSeedSubFilter.PADES,
            )
            signing = _SignerAt(
                metadata, signer, timestamper=timestamper, claimed_at=spec.signed_at
            )
            signed = outside_any_event_loop(lambda s=signing, w=writer: s.sign_pdf(w))
            data = signed.getvalue()
        return data

    def _certificate_for(self, spec: SignatureSpec) -> Certificate:
        if spec.person is None:
            return authority.seal_certificate()
        certificate = authority.certificate_of(spec.person)
        if certificate is None:
            raise ActionRefusedError(
                gettext(
                    "%(name)s has no signing certificate in force, so the document cannot be "
                    "signed on their behalf. The programme office issues one "
                    "(manage.py ca_issue --person %(login)s)."
                )
                % {"name": spec.person.get_full_name(), "login": spec.person.username}
            )
        return certificate


def _signature_count(pdf: bytes) -> int:
    writer = IncrementalPdfFileWriter(BytesIO(pdf), decode_limits=DecodeLimits.for_trusted_input())
    return sum(1 for _field in fields.enumerate_sig_fields(writer.prev))


def _write_document_id(writer: IncrementalPdfFileWriter, document_id: str) -> None:
    value = generic.TextStringObject(document_id)
    info_ref = writer.trailer.raw_get("/Info") if "/Info" in writer.trailer else None
    if isinstance(info_ref, generic.IndirectObject):
        info = info_ref.get_object()
        info[generic.NameObject(DOCUMENT_ID_KEY)] = value
        writer.mark_update(info_ref)
    else:
        writer.set_info(generic.DictionaryObject({generic.NameObject(DOCUMENT_ID_KEY): value}))
