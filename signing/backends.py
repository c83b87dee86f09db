"""THE interface of signing: every signed PDF of the system is made through `get_signer()`.

The built-in signer (signing/builtin.py) signs with keys of the cluster's own certificate
authority. A qualified provider (ГОСТ Р 34.10-2012 through an external signer, a КЭП of an
accredited certification centre) replaces it by implementing `Signer` and naming its class in
MBK_SIGNER; callers change nothing.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from accounts.models import User


@dataclass(frozen=True)
class SignatureSpec:
    """One signature to apply."""

    person: "User | None"  # None: the system's seal
    role: str  # "chair" | "secretary" | "signatory" | "seal"
    reason: str  # «Утверждаю», «Протокол утверждён»...
    # When the person acted (their sign-off). It is written as the signature's claimed signing
    # time; the timestamp token from our time-stamping unit says when the signature was made.
    signed_at: datetime


class Signer(Protocol):
    name: str  # shown in the README and on the verification page

    def can_sign(self, person) -> bool:
        """Whether `person` has what it takes to sign now (a certificate in force)."""
        ...

    def sign(
        self,
        pdf: bytes,
        specs: list[SignatureSpec],
        *,
        document_id: str,
        location: str = "Москва",
    ) -> bytes:
        """The PDF with each spec applied as an incremental PAdES signature, in order (the last
        is normally the seal). `document_id` is written into the file before the first
        signature so that a verifier recognises the document. Refuses with
        ActionRefusedError, changing nothing, when a spec's person cannot sign."""
        ...


def get_signer() -> Signer:
    """The signer named by MBK_SIGNER (default: signing.builtin.ClusterSigner)."""
    return import_string(settings.MBK_SIGNER)()
