"""`lendcrm contract dev-cert` and `lendcrm contract verify FILE`."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lendcrm.contracts import signing
from lendcrm.contracts.models import Contract
from lendcrm.contracts.rendering import Block, build_pdf
from lendcrm.contracts.tests.helpers import pdf_bytes, tampered


def _verify(path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    call_command("contract", "verify", str(path))
    return capsys.readouterr().out


def test_verify_accepts_the_signed_contract(
    contract: Contract, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "signed.pdf"
    path.write_bytes(pdf_bytes(contract))

    out = _verify(path, capsys)

    assert "OK" in out
    assert signing.DEV_SUBJECT_CN in out


def test_verify_rejects_a_tampered_copy(contract: Contract, tmp_path: Path) -> None:
    path = tmp_path / "tampered.pdf"
    path.write_bytes(tampered(pdf_bytes(contract)))

    with pytest.raises(CommandError, match="INVALID") as refused:
        call_command("contract", "verify", str(path))

    assert refused.value.returncode == 1
    assert "tampered" in str(refused.value) or "damaged" in str(refused.value)


def test_verify_rejects_bytes_appended_after_signing(contract: Contract, tmp_path: Path) -> None:
    path = tmp_path / "appended.pdf"
    path.write_bytes(pdf_bytes(contract) + b"\n% an extra line\n")

    with pytest.raises(CommandError, match="INVALID"):
        call_command("contract", "verify", str(path))


def test_verify_rejects_an_unsigned_pdf(tmp_path: Path) -> None:
    path = tmp_path / "unsigned.pdf"
    path.write_bytes(build_pdf([Block("paragraph", "未签名的合同")], title="合同", footer="-"))

    with pytest.raises(CommandError, match="unsigned") as refused:
        call_command("contract", "verify", str(path))

    assert refused.value.returncode == 1


def test_verify_names_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="cannot read"):
        call_command("contract", "verify", str(tmp_path / "missing.pdf"))


def test_verify_rejects_a_signature_by_another_certificate(
    contract: Contract, tmp_path: Path, settings: object, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "signed.pdf"
    path.write_bytes(pdf_bytes(contract))
    settings.DATA_DIR = tmp_path / "elsewhere"  # type: ignore[attr-defined]
    call_command("contract", "dev-cert")  # a different development certificate

    with pytest.raises(CommandError, match="not trusted"):
        call_command("contract", "verify", str(path))


def test_dev_cert_is_idempotent(
    tmp_path: Path, settings: object, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.DATA_DIR = tmp_path  # type: ignore[attr-defined]

    call_command("contract", "dev-cert")
    cert, key = signing.dev_paths()
    first = (cert.read_bytes(), key.read_bytes())
    call_command("contract", "dev-cert")

    assert (cert.read_bytes(), key.read_bytes()) == first
    assert key.stat().st_mode & 0o077 == 0
    out = capsys.readouterr().out
    assert "created" in out
    assert "kept the existing" in out


def test_a_configured_certificate_is_used(
    tmp_path: Path, settings: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.DATA_DIR = tmp_path  # type: ignore[attr-defined]
    cert, key = signing.ensure_dev_certificate()[0], signing.dev_paths()[1]
    monkeypatch.setenv("LENDCRM_SIGNING_CERT", str(cert))
    monkeypatch.setenv("LENDCRM_SIGNING_KEY", str(key))

    identity = signing.signing_identity()

    assert (identity.cert_path, identity.is_development) == (cert, False)
    monkeypatch.setenv("LENDCRM_SIGNING_KEY", str(tmp_path / "missing.pem"))
    with pytest.raises(signing.SigningConfigError, match="LENDCRM_SIGNING_KEY"):
        signing.signing_identity()


def test_production_refuses_to_sign_without_a_configured_certificate(settings: object) -> None:
    settings.LENDCRM_ENV = "production"  # type: ignore[attr-defined]

    with pytest.raises(signing.SigningConfigError, match="required in production"):
        signing.signing_identity()
