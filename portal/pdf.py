"""PDF documents rendered by WeasyPrint from a template, in Chinese, with the Noto CJK fonts.

Templates name the fonts in CSS (`font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", serif`); the
text stays text, so pdftotext reads it back and readers can search it.
"""

from __future__ import annotations

import logging

from django.template.loader import render_to_string
from django.utils import translation

# WeasyPrint logs every rendering step at INFO; keep its warnings, not its progress, in our logs
# (a LOGGING entry for "weasyprint.progress" in settings overrides this).
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

OFFICIAL_LANGUAGE = "zh-hans"


def render_html(template: str, context: dict, *, language: str = OFFICIAL_LANGUAGE) -> str:
    """The document's HTML, in Chinese by default: an official document of a Chinese authority."""
    with translation.override(language):
        return render_to_string(template, context)


def html_to_pdf(html: str, *, base_url: str | None = None) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url).write_pdf()


def render_pdf(template: str, context: dict, *, language: str = OFFICIAL_LANGUAGE) -> bytes:
    return html_to_pdf(render_html(template, context, language=language))
