"""Settings of the exchange, read when used (tests may override them), with their defaults.

| setting | default | meaning |
|---|---|---|
| EXCHANGE_UPLOAD_MAX_BYTES | 10 MiB | largest record file a steward may upload |
| EXCHANGE_UPLOAD_MAX_ROWS | 50000 | most rows in one upload or API push |
| EXCHANGE_PAGE_SIZE | 100 | records per page of the pull API (clients may ask for less) |
| EXCHANGE_PAGE_SIZE_MAX | 1000 | the most a client may ask for |
| EXCHANGE_EXPORT_CHUNK | 2000 | rows fetched per database round trip by the streaming export |
| EXCHANGE_CREDENTIAL_DAYS | 365 | default life of a credential (never beyond the agreement) |
| EXCHANGE_OBJECTION_DAYS | see OBJECTION_DAYS | working days allowed for each objection step |
"""

from django.conf import settings

OBJECTION_DAYS = {
    "submitted": 2,  # the provider accepts the objection
    "accepted": 1,  # the provider marks the record disputed
    "marked": 5,  # the provider verifies the data
    "verified": 5,  # the provider corrects the record or rejects the objection
    "corrected": 1,  # the provider revokes the mark
    "rejected": 1,
}


def _int(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def upload_max_bytes() -> int:
    return _int("EXCHANGE_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)


def upload_max_rows() -> int:
    return _int("EXCHANGE_UPLOAD_MAX_ROWS", 50_000)


def page_size() -> int:
    return _int("EXCHANGE_PAGE_SIZE", 100)


def page_size_max() -> int:
    return _int("EXCHANGE_PAGE_SIZE_MAX", 1000)


def export_chunk() -> int:
    return _int("EXCHANGE_EXPORT_CHUNK", 2000)


def credential_days() -> int:
    return _int("EXCHANGE_CREDENTIAL_DAYS", 365)


def objection_days(state: str) -> int:
    days = {**OBJECTION_DAYS, **getattr(settings, "EXCHANGE_OBJECTION_DAYS", {})}
    return int(days[state])
