"""The city overview's sections (issue 8).

The overview lives in coordination, below the apps whose numbers it shows, so it cannot import
them. Instead each app registers a *provider* in its AppConfig.ready(): a callable that takes the
viewer (None on the public page) and returns a `Section` computed by that app's own scoped
selectors, or None when the viewer may see nothing of it. The overview page only lays sections out.

A provider is called with:

- an official (`portal.models.UserKind.OFFICIAL`, or a superuser): the section within what that
  official may see (city-wide for `coordination.permissions.sees_whole_programme` and, where the
  app says so, supervisors; their own units' figures otherwise), or None when nothing;
- None: the public version, built only from figures already public elsewhere in the portal.

The pages never pass an applicant, intermediary or evaluator: they get the public version
(`viewer_for`). A provider that raises is logged and left out, so one broken area does not take
the leaders' page down with it.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Metric:
    """One number on a tile: a translated label, the value, an optional unit and link."""

    label: str
    value: int | float | str | None
    unit: str = ""
    url: str = ""
    # "green" / "yellow" / "red" when the number is a warning, else "".
    signal: str = ""
    # A short translated line under the number, e.g. "limit 12.0 working days".
    note: str = ""

    def __post_init__(self):
        # 3.0 shows as 3, the same on the server-rendered page as after a refresh in the browser.
        if isinstance(self.value, float) and self.value.is_integer():
            object.__setattr__(self, "value", int(self.value))


@dataclass(frozen=True)
class Chart:
    """An ECharts chart: a stable id and the option dict the browser renders (JSON-serialisable)."""

    key: str
    title: str
    option: dict[str, Any]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    url: str = ""
    metrics: list[Metric] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    # Further detail pages: (translated label, url) pairs shown under the tile.
    links: list[tuple[str, str]] = field(default_factory=list)
    # A translated line saying whose figures these are, e.g. "City-wide" or a department's name.
    scope: str = ""
    public: bool = False

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


Provider = Callable[[Any], Section | None]

_providers: dict[str, tuple[int, Provider]] = {}


def register(key: str, provider: Provider, *, order: int = 100) -> None:
    """Register (or replace) the provider for section `key`; sections show in `order`."""
    _providers[key] = (order, provider)


def unregister(key: str) -> None:
    """Forget the provider for `key` (tests; an app switched off)."""
    _providers.pop(key, None)


def registered() -> list[str]:
    """The registered keys in display order."""
    return [key for key, _entry in sorted(_providers.items(), key=lambda kv: (kv[1][0], kv[0]))]


def viewer_for(user):
    """Who the providers see: the official, or None (the public version) for everyone else."""
    from portal.models import UserKind

    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser or user.kind == UserKind.OFFICIAL:
        return user
    return None


def sections(viewer) -> list[Section]:
    """The sections `viewer` may see (viewer None: the public version), in order."""
    found = []
    for key in registered():
        _order, provider = _providers[key]
        try:
            section = provider(viewer)
        except Exception:
            logger.exception("overview provider %r failed", key)
            continue
        if section is not None:
            found.append(section)
    return found
