"""The city overview's sections (issue 8).

The overview lives in coordination, below the apps whose numbers it shows, so it cannot import
them. Instead each app registers a *provider* in its AppConfig.ready(): a callable that takes the
viewer (None on the public page) and returns a `Section` computed by that app's own scoped
selectors, or None when the viewer may see nothing of it. The overview page only lays sections out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Metric:
    """One number on a tile: a translated label, the value, an optional unit and link."""

    label: str
    value: int | float | str | None
    unit: str = ""
    url: str = ""
    # "green" / "yellow" / "red" when the number is a warning, else "".
    signal: str = ""


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


Provider = Callable[[Any], Section | None]

_providers: dict[str, tuple[int, Provider]] = {}


def register(key: str, provider: Provider, *, order: int = 100) -> None:
    """Register (or replace) the provider for section `key`; sections show in `order`."""
    _providers[key] = (order, provider)


def sections(viewer) -> list[Section]:
    """The sections `viewer` may see (viewer None: the public version), in order."""
    found = []
    for _order, provider in sorted(_providers.values(), key=lambda item: item[0]):
        section = provider(viewer)
        if section is not None:
            found.append(section)
    return found
