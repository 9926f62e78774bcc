"""PPP settings, read from Django settings with defaults (each one documented in docs/ppp.md)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings


def ocid_prefix() -> str:
    """Registered OCDS prefix plus the city's own segment; the project code follows."""
    return getattr(settings, "PPP_OCID_PREFIX", "ocds-yx0ppp-YX-")


def concession_max_term_years() -> int:
    return int(getattr(settings, "PPP_CONCESSION_MAX_TERM_YEARS", 40))


def similar_price_tolerance() -> Decimal:
    """Two quotes in one lot within this fraction of each other are abnormally similar."""
    return Decimal(str(getattr(settings, "PPP_SIMILAR_PRICE_TOLERANCE", "0.005")))


def new_company_days() -> int:
    """A bidder incorporated fewer days than this before the bid deadline is flagged."""
    return int(getattr(settings, "PPP_NEW_COMPANY_DAYS", 180))


def benchmark_percentile() -> str:
    """Quoted unit prices above this benchmark percentile (p25, p50 or p75) are flagged."""
    value = str(getattr(settings, "PPP_BENCHMARK_PERCENTILE", "p75")).lower()
    return value if value in ("p25", "p50", "p75") else "p75"


def benchmark_region() -> str:
    """The region used when a bid item names none."""
    return getattr(settings, "PPP_BENCHMARK_REGION", "云溪市")


def publisher_name() -> str:
    return getattr(settings, "PPP_OCDS_PUBLISHER", "云溪市财政局")


def benchmark_import_max_bytes() -> int:
    return int(getattr(settings, "PPP_BENCHMARK_IMPORT_MAX_BYTES", 5 * 1024 * 1024))


def benchmark_import_max_rows() -> int:
    return int(getattr(settings, "PPP_BENCHMARK_IMPORT_MAX_ROWS", 5000))
