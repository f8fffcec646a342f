"""Model fields for personal data: encrypted columns and their blind indexes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.expressions import Expression

from lendcrm.core.crypto import blind_index, decrypt, encrypt


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Holds plaintext in Python and AES-GCM ciphertext in the database.

    Lookups other than `isnull` are meaningless on ciphertext: search through the
    companion BlindIndexField instead.
    """

    def contribute_to_class(
        self, cls: type[models.Model], name: str, private_only: bool = False
    ) -> None:
        super().contribute_to_class(cls, name, private_only)
        self.crypto_context = f"{cls._meta.label_lower}.{name}"

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt(str(value), context=self.crypto_context)

    def from_db_value(
        self, value: Any, expression: Expression, connection: BaseDatabaseWrapper
    ) -> Any:
        if value in (None, ""):
            return value
        return decrypt(value, context=self.crypto_context)

    def deconstruct(self) -> Any:
        return super().deconstruct()


def context_for(model: type[models.Model], field_name: str) -> str:
    """The associated-data string a field binds into its ciphertexts (used by bulk loaders)."""
    return f"{model._meta.label_lower}.{field_name}"


class BlindIndexField(models.CharField):  # type: ignore[type-arg]
    """Keyed HMAC of another field's normalised value, computed on every save."""

    def __init__(
        self,
        *args: Any,
        source: str = "",
        purpose: str = "",
        normaliser: Callable[[str], str] | None = None,
        **kwargs: Any,
    ) -> None:
        self.source = source
        self.purpose = purpose
        self.normaliser = normaliser
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def db_type(self, connection: BaseDatabaseWrapper) -> str | None:
        # A hash is only ever matched exactly. Spelling the type out keeps Django from adding
        # its varchar_pattern_ops ("_like") index on PostgreSQL, which would double the size
        # of every blind index for nothing.
        if connection.vendor == "postgresql":
            return f"character varying({self.max_length})"
        return super().db_type(connection)

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        raw = getattr(model_instance, self.source, "") or ""
        value = index_value(raw, purpose=self.purpose, normaliser=self.normaliser)
        setattr(model_instance, self.attname, value)
        return value

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs.update(source=self.source, purpose=self.purpose)
        return name, path, args, kwargs


def index_value(raw: str, *, purpose: str, normaliser: Callable[[str], str] | None = None) -> str:
    if not raw:
        return ""
    normalised = normaliser(raw) if normaliser else raw.strip()
    return blind_index(normalised, purpose=purpose)
