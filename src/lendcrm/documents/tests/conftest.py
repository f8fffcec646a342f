from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from lendcrm.applications.choices import ApplicationStatus
from lendcrm.applications.models import Application
from lendcrm.customers.tests.factories import CustomerFactory, TeamFactory, UserFactory
from lendcrm.documents import ocr
from lendcrm.documents.tests.cards import NO_FONT_REASON, CardPainter, cjk_font_path
from lendcrm.identity.choices import Role
from lendcrm.identity.models import User
from lendcrm.reporting.tests.factories import ApplicationFactory


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }


@dataclass
class Org:
    sales: User
    other_sales: User  # another team: outside the sales person's scope
    reviewer: User
    collector: User  # holds no applications capability


@pytest.fixture
def org(db: None) -> Org:
    team = TeamFactory()
    return Org(
        sales=UserFactory(team=team, roles=[Role.SALES]),
        other_sales=UserFactory(team=TeamFactory(), roles=[Role.SALES]),
        reviewer=UserFactory(team=team, roles=[Role.REVIEWER]),
        collector=UserFactory(team=team, roles=[Role.COLLECTOR]),
    )


@pytest.fixture
def make_application(org: Org) -> Callable[..., Application]:
    def make(status: str = ApplicationStatus.DRAFT, **customer: Any) -> Application:
        owner = customer.pop("owner", org.sales)
        person = CustomerFactory(owner=owner, **customer)
        return ApplicationFactory(customer=person, status=status)

    return make


@pytest.fixture(scope="session")
def painter() -> CardPainter:
    path = cjk_font_path()
    if path is None:
        pytest.skip(NO_FONT_REASON)
    return CardPainter(path)


@pytest.fixture(scope="session")
def ocr_reader() -> ocr.TextReader:
    """The real RapidOCR engine, loaded once for the whole test session."""
    pytest.importorskip("rapidocr_onnxruntime", reason="rapidocr-onnxruntime is not installed")
    reader = ocr.get_reader()
    started = time.perf_counter()
    from lendcrm.documents.tests.cards import blank_jpeg

    reader.read_lines(blank_jpeg())  # loads the models
    print(f"\nOCR engine loaded in {time.perf_counter() - started:.2f} s")
    return reader


class FakeReader:
    """Returns the lines it was given, or raises what it was given."""

    def __init__(self, lines: list[str] | None = None, error: Exception | None = None) -> None:
        self.lines = lines or []
        self.error = error

    def read_lines(self, image: bytes) -> list[str]:
        if self.error:
            raise self.error
        return list(self.lines)


@pytest.fixture
def fake_reader() -> Iterator[Callable[..., FakeReader]]:
    previous = ocr.get_reader()

    def install(lines: list[str] | None = None, error: Exception | None = None) -> FakeReader:
        reader = FakeReader(lines, error)
        ocr.set_reader(reader)
        return reader

    yield install
    ocr.set_reader(previous)
