"""Personal data at rest (PIPL): resident ID numbers and phone numbers are stored encrypted.

Two keys, both from the environment:

- `PII_ENCRYPTION_KEYS`: comma-separated Fernet keys (`Fernet.generate_key()`). The first one
  encrypts; every one of them decrypts, so a key is rotated by putting a new key in front,
  running `manage.py pii_rotate`, and dropping the old key afterwards (docs/security.md).
- `PII_HASH_KEY`: the HMAC-SHA256 key of the blind indexes, the `<field>_hash` columns that let
  the database find a row by value (equality only) without decrypting anything.

Without them (the demo, the tests) both are derived from SECRET_KEY with HKDF, so nothing breaks;
`manage.py check --deploy` warns when production runs on derived keys.

A model declares the encrypted value and, beside it, its blind index::

    phone = EncryptedCharField(_("mobile phone"), kind=PiiKind.PHONE, max_length=20, blank=True)
    phone_hash = BlindIndexField(source="phone", purpose="phone")

The model holds plaintext in memory; the field encrypts in `get_prep_value` and decrypts in
`from_db_value`, after normalising (ID numbers stripped and upper-cased, phones stripped). The
blind index recomputes itself in `pre_save`, which runs on `save()` and on `bulk_create`.
`bulk_update`, `QuerySet.update()` and `save(update_fields=...)` do not run it for a column they
are not given: write such changes through `with_blind_indexes` (or `PiiModel.save`, which adds
the index to `update_fields` by itself). Find a row by value only through `blind_index`::

    User.objects.filter(id_number_hash=blind_index("id_number", value))

An encrypted field refuses every lookup but `isnull` and equality with the empty string: with
random ciphertexts, anything else would silently match nothing.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import re

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core import checks
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.lookups import Exact, IsNull

from portal.masking import mask_id_number, mask_phone


class PiiKind(models.TextChoices):
    ID_NUMBER = "id_number", "ID number"
    PHONE = "phone", "phone"


class PiiDecryptionError(Exception):
    """A stored value none of the configured keys can decrypt (a key was dropped too early)."""


# Every Fernet token starts with these characters (version byte 0x80 and a 64-bit timestamp).
TOKEN_PREFIX = "gAAAAA"  # noqa: S105 - a format marker, not a secret


class Ciphertext(str):
    """A value that is already a Fernet token: written as it is, not encrypted again."""


def normalise(kind: str, value) -> str:
    if value is None:
        return ""
    value = str(value).strip()
    return value.upper() if kind == PiiKind.ID_NUMBER else value


def mask(kind: str, value) -> str:
    return mask_id_number(value) if kind == PiiKind.ID_NUMBER else mask_phone(value)


# ----------------------------------------------------------------------------------------------
# Keys


def _derive(label: bytes, secret: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"portal.pii", info=label).derive(secret.encode())


def _configured_keys() -> tuple[str, ...]:
    keys = getattr(settings, "PII_ENCRYPTION_KEYS", None) or ()
    if isinstance(keys, str):
        keys = keys.split(",")
    return tuple(k.strip() for k in keys if k and k.strip())


@functools.lru_cache(maxsize=8)
def _fernet(keys: tuple[str, ...], secret: str) -> tuple[MultiFernet, Fernet]:
    if not keys:
        import base64

        keys = (base64.urlsafe_b64encode(_derive(b"encryption", secret)).decode(),)
    fernets = [Fernet(k.encode()) for k in keys]
    return MultiFernet(fernets), fernets[0]


@functools.lru_cache(maxsize=8)
def _hash_key(configured: str, secret: str) -> bytes:
    return configured.encode() if configured else _derive(b"blind-index", secret)


def fernet() -> MultiFernet:
    """All configured keys: the first encrypts, any decrypts."""
    return _fernet(_configured_keys(), settings.SECRET_KEY)[0]


def primary_fernet() -> Fernet:
    """The first key alone: a token it decrypts is already current."""
    return _fernet(_configured_keys(), settings.SECRET_KEY)[1]


def hash_key() -> bytes:
    return _hash_key(getattr(settings, "PII_HASH_KEY", "") or "", settings.SECRET_KEY)


def keys_from_environment() -> bool:
    return bool(_configured_keys()) and bool(getattr(settings, "PII_HASH_KEY", ""))


# ----------------------------------------------------------------------------------------------
# Values


def encrypt(kind: str, value) -> str:
    """The Fernet token of the normalised value; the empty value stays empty (so "blank" still
    means blank in constraints and filters)."""
    value = normalise(kind, value)
    if not value:
        return ""
    return fernet().encrypt(value.encode()).decode()


def decrypt(token) -> str:
    if not token:
        return ""
    try:
        return fernet().decrypt(str(token).encode()).decode()
    except InvalidToken as exc:
        raise PiiDecryptionError(
            "A stored personal-data value cannot be decrypted with PII_ENCRYPTION_KEYS "
            "(was a key dropped before `manage.py pii_rotate` finished?)"
        ) from exc


def blind_index(purpose: str, value, *, kind: str | None = None) -> str:
    """The keyed hash a row is found by: HMAC-SHA256(PII_HASH_KEY, purpose NUL normalised value).

    The purpose keeps equal numbers in unrelated fields apart; fields that must be compared with
    each other (every resident ID number) share one purpose. The empty value gives "" (no index).
    """
    kind = kind or (PiiKind.ID_NUMBER if purpose == "id_number" else PiiKind.PHONE)
    value = normalise(kind, value)
    if not value:
        return ""
    return hmac.new(hash_key(), f"{purpose}\x00{value}".encode(), hashlib.sha256).hexdigest()


# ----------------------------------------------------------------------------------------------
# Model fields


class EncryptedCharField(models.CharField):
    """Plaintext in Python, a Fernet token in a text column. `max_length` limits the plaintext."""

    def __init__(self, *args, kind: str = PiiKind.PHONE, **kwargs):
        self.kind = kind
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["kind"] = str(self.kind)
        return name, path, args, kwargs

    def get_internal_type(self):
        return "TextField"

    def db_type(self, connection):
        return models.TextField().db_type(connection)

    def cast_db_type(self, connection):
        return models.TextField().cast_db_type(connection)

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else value

    def to_python(self, value):
        return value if value is None or isinstance(value, str) else str(value)

    def pre_save(self, model_instance, add):
        value = normalise(self.kind, getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value

    def get_prep_value(self, value):
        if value is None:
            return None
        if isinstance(value, Ciphertext):
            return str(value)
        return encrypt(self.kind, value)

    def get_lookup(self, lookup_name):
        if lookup_name == "exact":
            return EncryptedExact
        if lookup_name == "isnull":
            return IsNull
        return None

    def get_transform(self, lookup_name):
        return None

    def masked(self, instance) -> str:
        return mask(self.kind, getattr(instance, self.attname))


class EncryptedExact(Exact):
    """Only `field=""` (blank): a non-empty value cannot be matched against random ciphertexts."""

    def get_prep_lookup(self):
        if isinstance(self.rhs, str) and self.rhs == "":
            return ""
        raise TypeError(
            f"{self.lhs.target.model.__name__}.{self.lhs.target.name} is encrypted: "
            "filter on its blind index (portal.pii.blind_index) instead"
        )

    def get_db_prep_lookup(self, value, connection):
        return ("%s", [value])


class BlindIndexField(models.CharField):
    """The HMAC of another field's normalised plaintext, kept in step by `pre_save`."""

    def __init__(self, *args, source: str, purpose: str, **kwargs):
        self.source, self.purpose = source, purpose
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.update(source=self.source, purpose=self.purpose)
        for key, default in (("max_length", 64), ("blank", True), ("default", ""), ("editable", False)):
            if kwargs.get(key) == default:
                kwargs.pop(key, None)
        if kwargs.get("db_index") is True:
            kwargs.pop("db_index")
        else:
            kwargs["db_index"] = False
        return name, path, args, kwargs

    def compute(self, instance) -> str:
        source = instance._meta.get_field(self.source)
        return blind_index(
            self.purpose, getattr(instance, source.attname), kind=getattr(source, "kind", None)
        )

    def pre_save(self, model_instance, add):
        value = self.compute(model_instance)
        setattr(model_instance, self.attname, value)
        return value


# Values inside JSON (an application's form): an ID number or a phone number anywhere in the
# structure is stored as FORM_MARK + Fernet token; every other value is left as it is, so keys and
# ordinary answers stay queryable (form_data__demo_case="x").
FORM_MARK = "pii$"
_FORM_ID = re.compile(r"\d{17}[\dXx]|\d{15}")
_FORM_PHONE = re.compile(r"\+?(?:86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}|0\d{2,3}[- ]?\d{7,8}(?:-\d{1,6})?")


def form_value_kind(value: str) -> str | None:
    """PiiKind of a form answer that is, as a whole, a resident ID number or a phone number."""
    text = value.strip()
    if _FORM_ID.fullmatch(text):
        return PiiKind.ID_NUMBER
    if _FORM_PHONE.fullmatch(text):
        return PiiKind.PHONE
    return None


def _walk(value, leaf):
    if isinstance(value, dict):
        return {k: _walk(v, leaf) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(v, leaf) for v in value]
    return leaf(value) if isinstance(value, str) else value


def _seal(value: str) -> str:
    if value.startswith(FORM_MARK):
        return value  # already sealed (a value read raw, or a re-run)
    kind = form_value_kind(value)
    return FORM_MARK + encrypt(kind, value) if kind else value


def _open(value: str) -> str:
    return decrypt(value[len(FORM_MARK) :]) if value.startswith(FORM_MARK) else value


def _mask_leaf(value: str) -> str:
    kind = form_value_kind(value)
    return mask(kind, value) if kind else value


def mask_json(value):
    """The JSON as officials' API clients read it: ID numbers and phone numbers masked."""
    return _walk(value, _mask_leaf)


def seal_json(value):
    """The JSON as stored: ID numbers and phone numbers encrypted, everything else unchanged."""
    return _walk(value, _seal)


def open_json(value):
    return _walk(value, _open)


class PersonalDataJSONField(models.JSONField):
    """A JSONField whose ID numbers and phone numbers are encrypted at rest, wherever they sit
    (recognised by their shape, so a form needs no schema here). Python code sees plaintext."""

    def from_db_value(self, value, expression, connection):
        return open_json(super().from_db_value(value, expression, connection))

    def get_prep_value(self, value):
        return super().get_prep_value(seal_json(value) if isinstance(value, dict | list) else value)


def blind_index_fields(model) -> list[BlindIndexField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, BlindIndexField)]


def encrypted_fields(model) -> list[EncryptedCharField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedCharField)]


def encrypted_json_fields(model) -> list[PersonalDataJSONField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, PersonalDataJSONField)]


def with_blind_indexes(model, update_fields) -> list[str]:
    """`update_fields` plus the blind index of every encrypted field in it."""
    fields = list(update_fields)
    for index in blind_index_fields(model):
        if index.source in fields and index.name not in fields:
            fields.append(index.name)
    return fields


def refresh_blind_indexes(instance) -> None:
    """Recompute the instance's blind indexes in memory (before a `bulk_update`)."""
    for index in blind_index_fields(type(instance)):
        setattr(instance, index.attname, index.compute(instance))


class PiiModelMixin:
    """`save(update_fields=[...])` also writes the blind index of an encrypted field it names, and
    model validation checks unique constraints on blind indexes against the current values."""

    def save(self, *args, **kwargs):
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = with_blind_indexes(type(self), kwargs["update_fields"])
        return super().save(*args, **kwargs)

    def validate_constraints(self, exclude=None):
        # The blind indexes are not form fields: check their unique constraints here, against the
        # values being saved, and report a clash on the encrypted field the user typed.
        refresh_blind_indexes(self)
        exclude = set(exclude or ())
        indexes = {f.name: f for f in blind_index_fields(type(self))}
        super().validate_constraints(exclude=exclude | set(indexes))
        for constraint in self._meta.constraints:
            names = getattr(constraint, "fields", ())
            if (
                not isinstance(constraint, models.UniqueConstraint)
                or len(names) != 1
                or names[0] not in indexes
            ):
                continue
            index = indexes[names[0]]
            value = getattr(self, index.attname)
            if index.source in exclude or not value:
                continue
            if type(self)._default_manager.filter(**{index.name: value}).exclude(pk=self.pk).exists():
                raise ValidationError({index.source: constraint.get_violation_error_message()})


def masked_value(instance, field_name: str) -> str:
    return instance._meta.get_field(field_name).masked(instance)


# ----------------------------------------------------------------------------------------------
# Migrations: encrypt the plaintext already stored (and back)


def migrate_encrypt(app_label: str, model_name: str, specs, *, batch_size: int = 500):
    """A RunPython pair for `specs` = [(field, hash_field or None, kind, purpose), ...].

    Forward: while the column is a plain text column in the migration state, replace each
    plaintext with its token and fill the blind index. Backward: decrypt into plaintext.
    """

    def _run(apps, schema_editor, forward: bool):
        model = apps.get_model(app_label, model_name)
        names = [s[0] for s in specs]
        written = names + ([s[1] for s in specs if s[1]] if forward else [])
        queryset = model._default_manager.using(schema_editor.connection.alias)
        batch = []
        for row in queryset.only("pk", *names).order_by("pk").iterator(chunk_size=batch_size):
            for field, hash_field, kind, purpose in specs:
                current = getattr(row, field) or ""
                is_token = current.startswith(TOKEN_PREFIX)
                if forward:
                    plain = decrypt(current) if is_token else normalise(kind, current)  # a re-run
                    setattr(row, field, encrypt(kind, plain))
                    if hash_field:
                        setattr(row, hash_field, blind_index(purpose, plain, kind=kind))
                else:
                    setattr(row, field, decrypt(current) if is_token else current)
            batch.append(row)
            if len(batch) >= batch_size:
                queryset.bulk_update(batch, written)
                batch = []
        if batch:
            queryset.bulk_update(batch, written)

    def forward(apps, schema_editor):
        _run(apps, schema_editor, True)

    def backward(apps, schema_editor):
        _run(apps, schema_editor, False)

    return forward, backward


# ----------------------------------------------------------------------------------------------
# System check


@checks.register(checks.Tags.security, deploy=True)
def check_pii_keys(app_configs=None, **kwargs):
    messages = []
    keys = _configured_keys()
    for key in keys:
        try:
            Fernet(key.encode())
        except (ValueError, TypeError):
            messages.append(
                checks.Error(
                    "PII_ENCRYPTION_KEYS holds a value that is not a Fernet key.",
                    hint="Each key is 32 url-safe base64-encoded bytes: Fernet.generate_key().",
                    id="pii.E001",
                )
            )
            break
    if not settings.DEBUG:
        if not keys:
            messages.append(
                checks.Warning(
                    "PII_ENCRYPTION_KEYS is not set: personal data is encrypted with a key derived "
                    "from SECRET_KEY.",
                    hint="Set PII_ENCRYPTION_KEYS (docs/security.md, personal data).",
                    id="pii.W001",
                )
            )
        hash_key_value = getattr(settings, "PII_HASH_KEY", "") or ""
        if len(hash_key_value) < 32:
            messages.append(
                checks.Warning(
                    "PII_HASH_KEY is not set or shorter than 32 characters.",
                    hint="Set PII_HASH_KEY to a long random secret (docs/security.md, personal data).",
                    id="pii.W002",
                )
            )
    return messages
