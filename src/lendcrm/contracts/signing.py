"""The lender's PAdES signature (数字签章) on contract PDFs, with pyHanko.

Certificate and key. In production they come from configuration:

    LENDCRM_SIGNING_CERT            path of the signing certificate (PEM or DER)
    LENDCRM_SIGNING_KEY             path of its private key (PEM or DER, PKCS#8 or PKCS#1)
    LENDCRM_SIGNING_KEY_PASSWORD    the key's passphrase, when it is encrypted

and a contract cannot be signed without them. In development and test, when they are not
set, a self-signed development certificate is used from `$LENDCRM_DATA_DIR/keys/`
(`contract-signing-cert.pem`, `contract-signing-key.pem`): `lendcrm contract dev-cert`
(run by `./dev setup`) creates it, and signing creates it on demand when it is missing. It is
never overwritten. A development certificate says so in its subject; it proves integrity
to whoever trusts it, nothing more.

Verification (`lendcrm contract verify FILE`, `verify_pdf`) trusts the configured or the
development certificate as its root, checks that the signature covers the whole file and
that its digest matches, and reports a tampered or unsigned file.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

from django.conf import settings

from lendcrm.core.errors import DomainError

DEV_CERT_NAME = "contract-signing-cert.pem"
DEV_KEY_NAME = "contract-signing-key.pem"
DEV_SUBJECT_CN = "lendcrm 合同签章 (开发用，非正式证书)"
FIELD_NAME = "LenderSignature"


class SigningConfigError(DomainError):
    """No usable signing certificate: names the variable to set."""


@dataclass(frozen=True)
class SigningIdentity:
    cert_path: Path
    key_path: Path
    key_password: bytes | None
    is_development: bool


@dataclass(frozen=True)
class VerificationResult:
    valid: bool
    message: str
    signer: str = ""
    signed_at: dt.datetime | None = None


def keys_dir() -> Path:
    return Path(settings.DATA_DIR) / "keys"


def dev_paths() -> tuple[Path, Path]:
    return keys_dir() / DEV_CERT_NAME, keys_dir() / DEV_KEY_NAME


def ensure_dev_certificate() -> tuple[Path, bool]:
    """Create the development certificate and key unless they exist; (cert path, created)."""
    cert_path, key_path = dev_paths()
    if cert_path.exists() or key_path.exists():
        if not (cert_path.exists() and key_path.exists()):
            raise SigningConfigError(
                f"{keys_dir()}: only one of {DEV_CERT_NAME} and {DEV_KEY_NAME} exists; "
                "restore the other or remove both",
                field="LENDCRM_SIGNING_CERT",
            )
        return cert_path, False
    cert_pem, key_pem = _self_signed_pem()
    keys_dir().mkdir(parents=True, exist_ok=True)
    _write_new(key_path, key_pem, mode=0o600)
    _write_new(cert_path, cert_pem, mode=0o644)
    return cert_path, True


def _write_new(path: Path, data: bytes, *, mode: int) -> None:
    # O_EXCL: two processes racing to create the key never overwrite each other's
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)


def _self_signed_pem() -> tuple[bytes, bytes]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, lender_name()),
            x509.NameAttribute(NameOID.COMMON_NAME, DEV_SUBJECT_CN),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


def lender_name() -> str:
    return str(getattr(settings, "LENDCRM_LENDER_NAME", "") or "lendcrm 示例小贷有限公司")


def signing_identity(*, create: bool = True) -> SigningIdentity:
    """The configured certificate, else (outside production) the development one."""
    cert = os.environ.get("LENDCRM_SIGNING_CERT", "").strip()
    key = os.environ.get("LENDCRM_SIGNING_KEY", "").strip()
    password = os.environ.get("LENDCRM_SIGNING_KEY_PASSWORD", "")
    if cert or key:
        for variable, value in (("LENDCRM_SIGNING_CERT", cert), ("LENDCRM_SIGNING_KEY", key)):
            if not value or not Path(value).is_file():
                raise SigningConfigError(f"{variable}: no such file {value!r}", field=variable)
        return SigningIdentity(Path(cert), Path(key), password.encode() or None, False)
    if getattr(settings, "LENDCRM_ENV", "development") == "production":
        raise SigningConfigError(
            "LENDCRM_SIGNING_CERT and LENDCRM_SIGNING_KEY are required in production",
            field="LENDCRM_SIGNING_CERT",
        )
    cert_path, key_path = dev_paths()
    if create:
        ensure_dev_certificate()
    return SigningIdentity(cert_path, key_path, None, True)


def _signer(identity: SigningIdentity) -> object:
    from pyhanko.sign import signers

    signer = signers.SimpleSigner.load(  # type: ignore[no-untyped-call]
        str(identity.key_path), str(identity.cert_path), key_passphrase=identity.key_password
    )
    if signer is None:  # pyHanko logs the cause and returns None
        raise SigningConfigError(
            "the signing certificate or key cannot be read (wrong file or password)",
            field="LENDCRM_SIGNING_KEY",
        )
    return signer


def sign_pdf(pdf: bytes, *, reason: str, location: str = "") -> tuple[bytes, str]:
    """The PDF with the lender's PAdES signature over the whole file; (bytes, signer subject)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    identity = signing_identity()
    signer = _signer(identity)
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location or None,
        name=lender_name(),
    )
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    output = signers.sign_pdf(writer, meta, signer=signer)  # type: ignore[arg-type]
    subject = signer.signing_cert.subject.human_friendly  # type: ignore[attr-defined]
    return output.getvalue(), str(subject)[:200]


def trust_roots() -> list[Any]:
    """The configured certificate, or the development one when it exists."""
    from pyhanko.keys import load_cert_from_pemder

    identity = signing_identity(create=False)
    if not identity.cert_path.is_file():
        return []
    return [load_cert_from_pemder(str(identity.cert_path))]  # type: ignore[no-untyped-call]


def verify_pdf(data: bytes) -> VerificationResult:
    """Is every signature in the file valid, intact, trusted and covering the whole file?"""
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        return VerificationResult(False, f"not a readable PDF, or damaged: {exc}")
    if not signatures:
        return VerificationResult(False, "the file carries no digital signature (unsigned)")
    context = ValidationContext(trust_roots=trust_roots(), allow_fetching=False)
    last: VerificationResult | None = None
    for signature in signatures:
        try:
            status = validate_pdf_signature(signature, context)
        except Exception as exc:  # pyHanko raises many types on a mangled signature
            return VerificationResult(False, f"signature {signature.field_name}: {exc}")
        problem = _problem(status)
        if problem:
            return VerificationResult(False, f"signature {signature.field_name}: {problem}")
        last = VerificationResult(
            True,
            "valid: the signature is intact, trusted and covers the whole file",
            signer=str(status.signing_cert.subject.human_friendly),
            signed_at=status.signer_reported_dt,
        )
    assert last is not None
    return last


def _problem(status: object) -> str:
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    if not getattr(status, "intact", False):
        return "the document was changed after signing (digest mismatch: tampered)"
    if not getattr(status, "valid", False):
        return "the cryptographic signature is invalid"
    if getattr(status, "coverage", None) != SignatureCoverageLevel.ENTIRE_FILE:
        return "the signature does not cover the whole file (bytes were added after signing)"
    if not getattr(status, "trusted", False):
        return "the signing certificate is not trusted (not the configured lender certificate)"
    return ""
