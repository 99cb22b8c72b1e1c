"""The certificate PDF: rendered with WeasyPrint from the certificate's snapshot only.

Nothing here reads the holder's profile or the course page: what was certified is what
was copied onto the Certificate when it was issued, so a re-render years later (a lost
file, a new template) prints exactly the same facts.
"""

import base64
import logging
import re
from decimal import Decimal

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import dateformat, formats, translation
from django.utils.translation import gettext

logger = logging.getLogger(__name__)

TEMPLATE_NAME = "certificates/pdf/certificate.html"

DEFAULT_SITE_URL = "http://127.0.0.1:8000"

# The look printed when no CertificateDesign exists (the same as the design the data
# migration creates). Signatories: certificates.designs.DEFAULT_SIGNATORIES.
DEFAULT_DESIGN = {
    "heading": "Medical Korea Academy",
    "subheading": "MKA e-class",
    "title": "Certificate of Completion",
    "certify_text": "This is to certify that",
    "completed_text": "has successfully completed the online course",
    "primary_colour": "#0b4f71",
    "accent_colour": "#b8963e",
}

# Logo and signature scans: small PNG renditions, embedded as data: URIs (the same HTML
# works in WeasyPrint and in the admin's preview in the browser, and the PDF stays small).
IMAGE_RENDITION = "max-400x160|format-png"

_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")

# Resolved to the active design for a stored certificate (see render_certificate_html).
ACTIVE = object()

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


def qr_svg_data_uri(url, scale=4, border=0, dark="#0b2233"):
    """The QR code of ``url`` as an SVG data: URI, ready for an <img src>."""
    # Error correction M survives a printed copy with a fold or a stamp across it.
    return segno.make(url, error="m").svg_data_uri(scale=scale, border=border, dark=dark)


def format_hours(hours):
    """12.0 -> "12", 7.5 -> "7.5"."""
    value = Decimal(hours if hours is not None else 0)
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return str(value.normalize())


def _mix(colour, other, weight):
    """``colour`` blended with ``other`` (weight 0..1 of ``other``), as #rrggbb."""
    a = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    b = [int(other[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * weight):02x}" for x, y in zip(a, b, strict=True))


def image_data_uri(image, spec=IMAGE_RENDITION):
    """A Wagtail image as a small PNG data: URI, or "" if its file cannot be read."""
    if image is None:
        return ""
    try:
        rendition = image.get_rendition(spec)
        with rendition.file.open("rb") as handle:
            data = handle.read()
    except Exception:  # a missing file must not stop a certificate from printing
        logger.warning("Could not embed image %s in a certificate", getattr(image, "pk", None), exc_info=True)
        return ""
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def design_context(design):
    """The visuals of ``design`` (a CertificateDesign, or None for the built-in default)."""
    values = dict(DEFAULT_DESIGN)
    logo = ""
    if design is not None:
        for field in DEFAULT_DESIGN:
            value = getattr(design, field, "")
            if field.endswith("_colour"):
                # Printed into the CSS: only a valid #rrggbb gets there (the preview shows
                # a form that may not have been validated yet).
                if value and _HEX_COLOUR.match(value):
                    values[field] = value.lower()
            elif value or field == "subheading":
                values[field] = value
        if design.logo_id:
            logo = image_data_uri(design.logo)
    primary, accent = values["primary_colour"], values["accent_colour"]
    values.update(
        {
            "accent_light": _mix(accent, "#ffffff", 0.45),  # the thin inner line
            "accent_pale": _mix(accent, "#ffffff", 0.3),  # the rule under the name
            "primary_dark": _mix(primary, "#000000", 0.35),  # the course title
        }
    )
    return {"design": values, "logo_data_uri": logo}


def signatories_context(certificate):
    """Who signs: the certificate's snapshot, or the defaults for certificates issued before it."""
    from .designs import default_signatories

    entries = certificate.signatories or default_signatories()
    ids = {entry.get("signature_image_id") for entry in entries if entry.get("signature_image_id")}
    images = {}
    if ids:
        from wagtail.images import get_image_model

        images = get_image_model().objects.in_bulk(ids)
    return [
        {
            "name": entry.get("name", ""),
            "title": entry.get("title", ""),
            "signature_data_uri": image_data_uri(images.get(entry.get("signature_image_id"))),
        }
        for entry in entries
    ]


def resolve_design(certificate, design=ACTIVE):
    """The design to print ``certificate`` with.

    By default a stored certificate is printed with the active design (so a re-render after
    a design change shows the new logo, wording and colours). An unsaved certificate (the
    preview's sample, tests, the benchmark) gets the built-in default unless a design is
    passed: rendering it needs no database.
    """
    if design is not ACTIVE:
        return design
    if certificate.pk is None:
        return None
    from .designs import active_design

    return active_design()


def second_language_wording(certificate, hours):
    """The certificate's fixed wording in the holder's language (Russian, Arabic), printed small
    under the English so a ministry clerk and the holder both read it; None for English."""
    language = certificate.language
    if not language or language == "en" or language not in dict(settings.LANGUAGES):
        return None
    with translation.override(language):
        return {
            "lang": language,
            "dir": "rtl" if translation.get_language_bidi() else "ltr",
            "title": gettext("Certificate of completion"),
            "certify": gettext("This is to certify that"),
            "completed": gettext("has successfully completed the course"),
            # A label, not a plural: hours can be 1.5, which Russian and Arabic plural rules don't cover.
            "credits": gettext("CME credit hours: %(hours)s") % {"hours": hours},
            "completed_on": gettext("Completed on %(date)s")
            % {"date": formats.date_format(certificate.completed_on, "DATE_FORMAT")},
            "serial": gettext("Serial No."),
            "verify": gettext("Verify at"),
        }


def certificate_context(certificate, design=ACTIVE):
    """The template context: every printed fact comes from the certificate's snapshot.

    Only the look (logo, wording, colours) comes from the design; who signs is snapshotted.
    """
    hours = format_hours(certificate.cme_credit_hours)
    url = verification_url(certificate)
    looks = design_context(resolve_design(certificate, design))
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
        "second": second_language_wording(certificate, hours),
        "completed_on": completed_on,
        "issuer": certificate.issuer,
        "serial": certificate.serial,
        "is_valid": certificate.status == "valid",
        "status_label": certificate.get_status_display(),
        "verification_url": url,
        "signatories": signatories_context(certificate),
        **looks,
        # The QR code stays near-black whatever the colours: a pale one would not scan.
        "qr_data_uri": qr_svg_data_uri(url),
    }


def render_certificate_html(certificate, design=ACTIVE):
    with translation.override("en"):
        return render_to_string(TEMPLATE_NAME, certificate_context(certificate, design))


def render_certificate_pdf(certificate, base_url=None, design=ACTIVE):
    """The certificate as PDF bytes: one A4 landscape page."""
    # Imported here: WeasyPrint loads Pango and fontconfig, which most processes never need.
    from weasyprint import HTML

    html = render_certificate_html(certificate, design)
    return HTML(string=html, base_url=base_url).write_pdf()
