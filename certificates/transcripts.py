"""The CME transcript: every valid certificate of a trainee with hours per credit type."""

from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import HTML

from lms.accounts.services import get_profile, user_language


def render_transcript_pdf(user, data):
    profile = get_profile(user)
    # In the trainee's interface language (English, Russian or Arabic); the facts printed
    # (course titles, credit types) are the certificates' snapshots, as issued.
    with translation.override(user_language(user)):
        html = render_to_string(
            "certificates/pdf/transcript.html",
            {"profile": profile, "user": user, "generated_on": timezone.localdate(), **data},
        )
    return HTML(string=html).write_pdf()
