"""Private keys: made, encrypted at rest, read back. Key material is never logged.

- The keys of the people's, the seal's and the time-stamping unit's certificates are EC P-256
  (ECDSA with SHA-256: quick to make; poppler's pdfsig (NSS) and pyHanko verify them, as
  tests/signing shows). In the database each is its PKCS#8 DER encrypted with AES-256-GCM under a
  key-encryption key derived with HKDF-SHA256 from MBK_SIGNING_KEY; the certificate's
  fingerprint is the associated data, so a key copied onto another row does not decrypt.
- The certificate authority's key is a PEM file in MBK_CA_DIR (mode 0600, the folder 0700),
  encrypted (PKCS#8, the best encryption `cryptography` offers) under MBK_CA_PASSPHRASE or,
  without it, a passphrase derived from MBK_SIGNING_KEY. It is not in the database.
"""

import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

PrivateKey = ec.EllipticCurvePrivateKey

_FORMAT = b"MBK1"  # the version of the layout below: format, 12-byte nonce, ciphertext + tag
_NONCE_BYTES = 12


class KeyUnavailableError(Exception):
    """A stored key cannot be read: wrong MBK_SIGNING_KEY (or passphrase), or damaged."""


def generate() -> PrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _derive(purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(
        settings.MBK_SIGNING_KEY.encode()
    )


def _pkcs8(key: PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def encrypt(key: PrivateKey, *, fingerprint: str) -> bytes:
    """The key as the database stores it."""
    nonce = secrets.token_bytes(_NONCE_BYTES)
    sealed = AESGCM(_derive(b"mbk signing: key-encryption key v1")).encrypt(
        nonce, _pkcs8(key), _associated(fingerprint)
    )
    return _FORMAT + nonce + sealed


def decrypt(stored: bytes, *, fingerprint: str) -> PrivateKey:
    stored = bytes(stored)
    if not stored.startswith(_FORMAT):
        raise KeyUnavailableError("the stored key is not in a known format")
    nonce = stored[len(_FORMAT) : len(_FORMAT) + _NONCE_BYTES]
    try:
        der = AESGCM(_derive(b"mbk signing: key-encryption key v1")).decrypt(
            nonce, stored[len(_FORMAT) + _NONCE_BYTES :], _associated(fingerprint)
        )
    except InvalidTag:
        raise KeyUnavailableError(
            "the stored key does not decrypt: MBK_SIGNING_KEY is not the one it was stored "
            "under, or the row was changed"
        ) from None
    return _loaded(serialization.load_der_private_key(der, password=None))


def _associated(fingerprint: str) -> bytes:
    return b"mbk signing key of certificate " + fingerprint.encode()


def _loaded(key) -> PrivateKey:
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise KeyUnavailableError("the stored key is not an EC key")
    return key


def pkcs8(key: PrivateKey) -> bytes:
    """The key unencrypted (PKCS#8 DER), for pyHanko's signer in this process only."""
    return _pkcs8(key)


# --- The certificate authority's key file ----------------------------------------------------
def _ca_passphrase() -> bytes:
    if settings.MBK_CA_PASSPHRASE:
        return settings.MBK_CA_PASSPHRASE.encode()
    return _derive(b"mbk signing: certificate authority passphrase v1").hex().encode()


def write_ca_key(path: Path, key: PrivateKey) -> None:
    """Write the key encrypted, readable by its owner only; never over an existing file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(_ca_passphrase()),
    )
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(descriptor, pem)
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def read_ca_key(path: Path) -> PrivateKey:
    try:
        return _loaded(serialization.load_pem_private_key(path.read_bytes(), _ca_passphrase()))
    except (ValueError, TypeError):
        raise KeyUnavailableError(
            f"the certificate authority's key {path} does not open: MBK_CA_PASSPHRASE (or "
            "MBK_SIGNING_KEY) is not the one it was written with, or the file is damaged"
        ) from None
