from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation

from lendcrm.ui.tests.translations import ensure_compiled_translations


@pytest.fixture(scope="session")
def compiled_translations() -> None:
    ensure_compiled_translations()


@pytest.fixture
def english(compiled_translations: None) -> Iterator[None]:
    """English pages; afterwards the language requests left active goes back to the default."""
    yield
    translation.deactivate()
