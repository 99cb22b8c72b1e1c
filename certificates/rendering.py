"""The certificate PDF: rendered with WeasyPrint from the certificate's snapshot only.

Nothing here reads the holder's profile or the course page: what was certified is what
was copied onto the Certificate when it was issued, so a re-render years later (a lost
file, a new template) prints exactly the same facts.
"""

from decimal import Decimal

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import dateformat, translation

TEMPLATE_NAME = "certificates/pdf/certificate.html"

DEFAULT_SITE_URL = "http://127.0.0.1:8000"

# The people who sign (placeholders until the academy names them: settings
# CERTIFICATE_SIGNATORIES overrides). Signature images are a later feature.
DEFAULT_SIGNATORIES = (
    {"name": "Prof. Kim Jae-won", "title": "Director, Medical Korea Academy"},
    {"name": "Prof. Lee Soo-jin", "title": "Dean of Education"},
)

# Unicode ranges -> BCP 47 language tag, checked in this order: a Korean name written with
# some Hanja is still Korean, so Hangul wins over Han.
_SCRIPT_LANGS = (
    (
        "ko",
        ((0xAC00, 0xD7AF), (0x1100, 0x11FF), (0x3130, 0x318F), (0xA960, 0xA97F), (0xD7B0, 0xD7FF)),
    ),
    ("mn", ((0x1800, 0x18AF), (0x11660, 0x1167F))),
    (
        "ar",
        ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF)),
    ),
    ("zh", ((0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF), (0xF900, 0xFAFF))),
    ("ru", ((0x0400, 0x04FF), (0x0500, 0x052F))),
)


def detect_lang(text):
    """A language tag for the script of ``text`` ("ko", "mn", "ar", "zh", "ru"), or "".

    Used for the native-script name only: the tag picks the right CJK face (Chinese
    names in the SC face, Korean names in the KR face) and tells the reader's tools
    what the text is.
    """
    codepoints = {ord(ch) for ch in text or ""}
    for lang, ranges in _SCRIPT_LANGS:
        if any(lo <= cp <= hi for cp in codepoints for lo, hi in ranges):
            return lang
    return ""


def verification_url(certificate):
    """The absolute URL where anyone can check the certificate (printed and in the QR code)."""
    site = getattr(settings, "SITE_URL", DEFAULT_SITE_URL) or DEFAULT_SITE_URL
    return site.rstrip("/") + reverse("certificates:verify", args=[certificate.public_code])


def qr_svg_data_uri(url, scale=4, border=0):
    """The QR code of ``url`` as an SVG data: URI, ready for an <img src>."""
    # Error correction M survives a printed copy with a fold or a stamp across it.
    return segno.make(url, error="m").svg_data_uri(scale=scale, border=border, dark="#0b2233")


def format_hours(hours):
    """12.0 -> "12", 7.5 -> "7.5"."""
    value = Decimal(hours if hours is not None else 0)
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return str(value.normalize())


def certificate_context(certificate):
    """The template context: every printed fact comes from the certificate's snapshot."""
    hours = format_hours(certificate.cme_credit_hours)
    url = verification_url(certificate)
    with translation.override("en"):
        completed_on = dateformat.format(certificate.completed_on, "j F Y")
    course_title = certificate.course_title
    return {
        "certificate": certificate,
        "holder_name_latin": certificate.holder_name_latin,
        "holder_name_size": "long" if len(certificate.holder_name_latin) > 40 else "normal",
        "holder_name_native": certificate.holder_name_native,
        "native_lang": detect_lang(certificate.holder_name_native),
        "course_title": course_title,
        # Long titles get a smaller size so everything stays on one page.
        "course_title_size": "long" if len(course_title) > 70 else "normal",
        "track_title": certificate.track_title,
        "hours": hours,
        "hours_label": "CME credit hour" if hours == "1" else "CME credit hours",
        "credit_type": certificate.credit_type,
        "completed_on": completed_on,
        "issuer": certificate.issuer,
        "serial": certificate.serial,
        "is_valid": certificate.status == "valid",
        "status_label": certificate.get_status_display(),
        "verification_url": url,
        "qr_data_uri": qr_svg_data_uri(url),
        "signatories": getattr(settings, "CERTIFICATE_SIGNATORIES", DEFAULT_SIGNATORIES),
    }


def render_certificate_html(certificate):
    with translation.override("en"):
        return render_to_string(TEMPLATE_NAME, certificate_context(certificate))


def render_certificate_pdf(certificate, base_url=None):
    """The certificate as PDF bytes: one A4 landscape page."""
    # Imported here: WeasyPrint loads Pango and fontconfig, which most processes never need.
    from weasyprint import HTML

    html = render_certificate_html(certificate)
    return HTML(string=html, base_url=base_url).write_pdf()
