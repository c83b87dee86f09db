"""The cluster's time-stamping unit: RFC 3161 timestamp tokens signed in this process with the
time-stamping certificate of our authority (signing/authority.py).

pyHanko's own in-process TSA (DummyTimeStamper) signs with RSA keys only; ours are EC, so the
token is built here and signed by pyHanko's CMS signer: a TSTInfo (version 1, our policy, the
message imprint and nonce of the request, a random serial, the time) encapsulated in a CMS
SignedData with the ESS signing-certificate-v2 attribute, as RFC 3161 and RFC 5816 ask.
"""

import secrets
from datetime import UTC, datetime

from asn1crypto import cms, tsp
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from pyhanko.sign.signers import SimpleSigner
from pyhanko.sign.timestamps.api import TimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

# The policy under which our unit stamps: an OID of the UUID arc (ITU-T X.667), ours alone.
POLICY = "2.25.275407001084013046958202881973227162998"


class ClusterTimeStamper(TimeStamper):
    def __init__(
        self,
        certificate: asn1_x509.Certificate,
        key: bytes,
        chain: list[asn1_x509.Certificate],
    ) -> None:
        """`key`: the unit's private key (PKCS#8 DER); `chain`: the authority's certificate,
        embedded in each token."""
        super().__init__()
        self.certificate = certificate
        self._signer = SimpleSigner(
            signing_cert=certificate,
            signing_key=asn1_keys.PrivateKeyInfo.load(key),
            cert_registry=SimpleCertificateStore.from_certs(chain),
        )

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        info = {
            "version": "v1",
            "policy": POLICY,
            "message_imprint": req["message_imprint"],
            "serial_number": secrets.randbits(127),
            "gen_time": datetime.now(UTC),
            "tsa": asn1_x509.GeneralName(name="directory_name", value=self.certificate.subject),
        }
        if req["nonce"].native is not None:
            info["nonce"] = req["nonce"]
        content = cms.EncapsulatedContentInfo(
            {
                "content_type": "tst_info",
                "content": cms.ParsableOctetString(tsp.TSTInfo(info).dump()),
            }
        )
        token = await self._signer.async_sign_general_data(
            content, "sha256", detached=False, use_cades=True
        )
        return tsp.TimeStampResp({"status": {"status": "granted"}, "time_stamp_token": token})
