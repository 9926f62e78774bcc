"""The certificate as a document: verify tokens and URLs, the QR code, the seal and the PDF.

- The verify token is django.core.signing over the certificate's public id (a random UUID, never
  the sequential key), with the salt `conf.VERIFY_SALT`: a tampered or made-up token does not
  verify.
- The QR code (qrcode, as SVG) encodes the absolute verify URL; the same URL is printed under it.
- A seal without an uploaded image is drawn here as SVG: a red ring, a five-pointed star and the
  body's name along the upper arc, each character placed and rotated on its own (no font files,
  no third-party images).
- The PDF is rendered by WeasyPrint from templates/results/certificate_pdf.html on A4 with the
  Noto CJK fonts, so the Chinese text can be extracted (pdftotext) and searched.
"""

from __future__ import annotations

import base64
import math
from html import escape
from uuid import UUID

import qrcode
import qrcode.image.svg
from django.core import signing
from django.urls import reverse

from portal import pdf

from . import conf
from .models import Certificate, Seal

SEAL_COLOUR = "#d7000f"


# -- tokens and URLs -------------------------------------------------------------------------------


def verify_token(certificate: Certificate) -> str:
    return signing.Signer(salt=conf.VERIFY_SALT).sign(certificate.public_id.hex)


def public_id_from_token(token: str) -> UUID | None:
    """The public id a token was signed over, or None when it was tampered with or is malformed."""
    try:
        return UUID(hex=signing.Signer(salt=conf.VERIFY_SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        return None


def verify_path(certificate: Certificate) -> str:
    return reverse("results_verify:verify", kwargs={"token": verify_token(certificate)})


def verify_url(certificate: Certificate) -> str:
    return conf.base_url() + verify_path(certificate)


# -- QR code and seal -------------------------------------------------------------------------------


def qr_svg(data: str) -> str:
    """The QR code of `data` as an SVG document (deterministic: the same data gives the same SVG)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    code.add_data(data)
    code.make(fit=True)
    image = code.make_image(image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="unicode")


def data_uri(content: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(content).decode('ascii')}"


def _star(cx: float, cy: float, outer: float) -> str:
    inner = outer * 0.382
    points = []
    for k in range(10):
        radius = outer if k % 2 == 0 else inner
        angle = math.radians(-90 + k * 36)
        points.append(f"{cx + radius * math.cos(angle):.2f},{cy + radius * math.sin(angle):.2f}")
    return " ".join(points)


def seal_svg(name: str, legend: str = "") -> str:
    """A round official seal drawn in SVG: ring, star, the name along the top arc, a legend below."""
    size, centre = 200, 100
    chars = list(name.strip())[:24] or ["印"]
    n = len(chars)
    # The name spans up to 240 degrees of the upper arc, centred on the top.
    span = min(240.0, 22.0 * (n - 1)) if n > 1 else 0.0
    font = 26 if n <= 10 else max(16, 26 - (n - 10))
    radius = 72
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
        f'viewBox="0 0 {size} {size}">',
        f'<circle cx="{centre}" cy="{centre}" r="94" fill="none" stroke="{SEAL_COLOUR}" stroke-width="6"/>',
        f'<polygon points="{_star(centre, centre, 30)}" fill="{SEAL_COLOUR}"/>',
    ]
    for index, char in enumerate(chars):
        angle = -span / 2 + (span / (n - 1) * index if n > 1 else 0)
        rad = math.radians(angle - 90)
        x, y = centre + radius * math.cos(rad), centre + radius * math.sin(rad)
        parts.append(
            f'<text x="0" y="0" transform="translate({x:.2f},{y:.2f}) rotate({angle:.2f})" '
            f'fill="{SEAL_COLOUR}" font-size="{font}" font-weight="bold" text-anchor="middle" '
            f'dominant-baseline="central" font-family="Noto Serif CJK SC, Noto Sans CJK SC, serif">'
            f"{escape(char)}</text>"
        )
    if legend:
        parts.append(
            f'<text x="{centre}" y="{centre + 52}" fill="{SEAL_COLOUR}" font-size="14" text-anchor="middle" '
            f'font-family="Noto Serif CJK SC, Noto Sans CJK SC, serif">{escape(legend[:12])}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def seal_image_uri(unit) -> str:
    """The body's uploaded seal as a data URI, or a generated one when it has none (or it is gone)."""
    seal = Seal.objects.filter(unit=unit).first()
    if seal is not None and seal.image:
        try:
            with seal.image.open("rb") as handle:
                content = handle.read()
        except FileNotFoundError:
            content = None
        if content:
            mime = "image/svg+xml" if seal.image.name.lower().endswith(".svg") else "image/png"
            return data_uri(content, mime)
    legend = seal.legend if seal is not None else ""
    return data_uri(seal_svg(unit.name, legend).encode("utf-8"), "image/svg+xml")


# -- the certificate ------------------------------------------------------------------------------------


def certificate_context(certificate: Certificate) -> dict:
    url = verify_url(certificate)
    return {
        "certificate": certificate,
        "verify_url": url,
        "qr_uri": data_uri(qr_svg(url).encode("utf-8"), "image/svg+xml"),
        "seal_uri": seal_image_uri(certificate.implementing_body),
    }


def certificate_html(certificate: Certificate) -> str:
    """The certificate's HTML, always in Chinese: it is an official document of a Chinese authority."""
    return pdf.render_html("results/certificate_pdf.html", certificate_context(certificate))


def certificate_pdf(certificate: Certificate) -> bytes:
    return pdf.html_to_pdf(certificate_html(certificate))
