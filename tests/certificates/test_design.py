"""The certificate design: edited as a snippet with a live preview, one active at a time.

Its look (logo, wording, colours) is read when a PDF is rendered; who signs is copied onto
each certificate when it is issued and never changes afterwards.
"""

import io
import re
import shutil
import subprocess
import unicodedata

import pytest
from django.core.files.images import ImageFile
from django.urls import reverse
from pypdf import PdfReader
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from certificates import services
from certificates.designs import active_design, make_sole_active, sample_certificate
from certificates.models import (
    Certificate,
    CertificateDesign,
    CertificateSignatory,
    NameCorrectionRequest,
)
from certificates.rendering import render_certificate_html, render_certificate_pdf
from lms.accounts.factories import StaffUserFactory

pytestmark = pytest.mark.django_db

# The viewset register_snippet() built (its URL names carry the namespace).
VIEWSET = CertificateDesign.snippet_viewset


def pdf_text(pdf):
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text))


def make_design(name="Spring 2027", active=True, signatories=(("Dr. Park Min-ho", "Rector"),), **fields):
    design = CertificateDesign.objects.create(
        name=name,
        is_active=active,
        heading=fields.pop("heading", "Korea Health Academy"),
        title=fields.pop("title", "Certificate of Achievement"),
        certify_text=fields.pop("certify_text", "We hereby certify that"),
        completed_text=fields.pop("completed_text", "has passed every module of"),
        primary_colour=fields.pop("primary_colour", "#7a1f3d"),
        accent_colour=fields.pop("accent_colour", "#2e8b57"),
        **fields,
    )
    for order, (person, title) in enumerate(signatories):
        CertificateSignatory.objects.create(design=design, sort_order=order, name=person, title=title)
    make_sole_active(design)
    return design


def design_form_data(**overrides):
    """What the admin's edit form posts, with one signatory in the inline panel."""
    data = {
        "name": "Preview design",
        "is_active": "on",
        "logo": "",
        "heading": "Seoul Clinical Academy",
        "subheading": "e-class",
        "title": "Certificate of Excellence",
        "certify_text": "Be it known that",
        "completed_text": "has completed with distinction",
        "primary_colour": "#123456",
        "accent_colour": "#abcdef",
        "signatories-TOTAL_FORMS": "1",
        "signatories-INITIAL_FORMS": "0",
        "signatories-MIN_NUM_FORMS": "0",
        "signatories-MAX_NUM_FORMS": "3",
        "signatories-0-id": "",
        "signatories-0-ORDER": "1",
        "signatories-0-DELETE": "",
        "signatories-0-name": "Prof. Choi Yuna",
        "signatories-0-title": "Head of Cardiology",
        "signatories-0-signature_image": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def admin_client(client):
    client.force_login(StaffUserFactory(is_superuser=True, email="designer@example.org"))
    return client


# --- The default design ----------------------------------------------------------------


def test_the_migration_creates_todays_design_as_the_active_one():
    design = active_design()
    assert design.heading == "Medical Korea Academy" and design.subheading == "MKA e-class"
    assert design.title == "Certificate of Completion"
    assert (design.primary_colour, design.accent_colour) == ("#0b4f71", "#b8963e")
    assert [(s.name, s.title) for s in design.signatories.order_by("sort_order")] == [
        ("Prof. Kim Jae-won", "Director, Medical Korea Academy"),
        ("Prof. Lee Soo-jin", "Dean of Education"),
    ]


def test_colours_must_be_hex(admin_client):
    design = CertificateDesign(name="x", primary_colour="red", accent_colour="#12345")
    with pytest.raises(Exception) as error:
        design.full_clean()
    assert "primary_colour" in error.value.message_dict and "accent_colour" in error.value.message_dict


# --- The design in the certificate ------------------------------------------------------


def test_wording_and_colours_of_the_active_design_are_printed(certificate):
    make_design()
    html = render_certificate_html(certificate)
    assert "#7a1f3d" in html and "#2e8b57" in html
    assert "#0b4f71" not in html
    text = pdf_text(render_certificate_pdf(certificate))
    # The heading is letter-spaced capitals: the extracted text has a space after each letter.
    assert "KOREAHEALTHACADEMY" in text.replace(" ", "")
    for wording in ["Certificate of Achievement", "We hereby certify that", "has passed every module of"]:
        assert wording in text, wording
    assert "Certificate of Completion" not in text


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils not installed")
def test_the_frame_is_printed_in_the_primary_colour(certificate, tmp_path):
    from PIL import Image

    make_design(primary_colour="#c81e1e")
    (tmp_path / "c.pdf").write_bytes(render_certificate_pdf(certificate))
    subprocess.run(["pdftoppm", "-r", "72", "-png", str(tmp_path / "c.pdf"), str(tmp_path / "p")], check=True)
    page = Image.open(next(tmp_path.glob("p*.png"))).convert("RGB")
    # 72 dpi: 1 mm = 2.83 px; the frame is 2.2 mm wide, starting 8 mm from the left edge.
    r, g, b = page.getpixel((round(9.1 * 2.835), page.height // 2))
    assert abs(r - 0xC8) < 12 and abs(g - 0x1E) < 12 and abs(b - 0x1E) < 12


def test_without_any_design_todays_look_is_printed(certificate):
    CertificateDesign.objects.all().delete()
    text = pdf_text(render_certificate_pdf(certificate))
    assert "Medical Korea Academy" in text and "Certificate of Completion" in text
    assert "Prof. Kim Jae-won" in text  # from the certificate's own snapshot
    assert "#0b4f71" in render_certificate_html(certificate)


def test_logo_and_signature_images_are_embedded_small(certificate, tmp_path):
    Image = get_image_model()
    logo = Image.objects.create(title="Logo", file=ImageFile(get_test_image_file("logo.png", "navy", (2000, 800)),
                                                             name="logo.png"))
    signature = Image.objects.create(title="Signature", file=ImageFile(
        get_test_image_file("sig.png", "black", (1600, 600)), name="sig.png"))
    design = make_design(logo=logo)
    design.signatories.update(signature_image=signature)
    certificate = _issue_again(certificate)

    assert certificate.signatories == [
        {"name": "Dr. Park Min-ho", "title": "Rector", "signature_image_id": signature.pk}
    ]
    html = render_certificate_html(certificate)
    assert html.count("data:image/png;base64,") == 2  # the logo and the signature
    assert 'alt="Signature of Dr. Park Min-ho"' in html
    pdf = render_certificate_pdf(certificate)
    images = [image for page in PdfReader(io.BytesIO(pdf)).pages for image in page.images]
    assert max(max(image.image.size) for image in images) <= 400  # renditions, not the originals
    assert len(pdf) < 200_000


def _issue_again(certificate):
    """Revoke-free re-issue: a fresh certificate for the same enrollment, snapshotted now."""
    enrollment = certificate.enrollment
    Certificate.objects.filter(pk=certificate.pk).update(status="superseded")
    return services.issue_certificate(enrollment.pk)


# --- One active design -------------------------------------------------------------------


def test_saving_a_second_active_design_deactivates_the_first(admin_client):
    first = active_design()
    response = admin_client.post(reverse(VIEWSET.get_url_name("add")), design_form_data(name="Second"))
    assert response.status_code == 302, response.content.decode()[:2000]
    second = CertificateDesign.objects.get(name="Second")
    first.refresh_from_db()
    assert second.is_active and not first.is_active
    assert active_design() == second
    assert CertificateDesign.objects.filter(is_active=True).count() == 1

    # Editing the first back to active deactivates the second again.
    data = design_form_data(name=first.name, **{"signatories-TOTAL_FORMS": "0"})
    response = admin_client.post(reverse(VIEWSET.get_url_name("edit"), args=[first.pk]), data)
    assert response.status_code == 302
    assert list(CertificateDesign.objects.filter(is_active=True)) == [first]


def test_saving_an_inactive_design_keeps_the_active_one(admin_client):
    first = active_design()
    data = design_form_data(name="Draft")
    del data["is_active"]
    admin_client.post(reverse(VIEWSET.get_url_name("add")), data)
    assert active_design() == first
    assert not CertificateDesign.objects.get(name="Draft").is_active


# --- The preview, before saving -----------------------------------------------------------


def test_preview_on_add_shows_the_sample_certificate_with_the_unsaved_design(admin_client):
    url = reverse(VIEWSET.get_url_name("preview_on_add"))
    response = admin_client.post(url, design_form_data())
    assert response.json() == {"is_valid": True, "is_available": True}

    html = admin_client.get(url, {"in_preview_panel": "true"}).content.decode()
    for expected in ["Seoul Clinical Academy", "Certificate of Excellence", "Be it known that",
                     "#123456", "#abcdef", "Prof. Choi Yuna", "Head of Cardiology",
                     "Fatima Al-Zahra", "فاطمة الزهراء", 'dir="rtl" lang="ar"',
                     "Echocardiography Basics for Clinical Practice"]:
        assert expected in html, expected
    assert not CertificateDesign.objects.filter(name="Preview design").exists()  # nothing saved


def test_preview_on_edit_shows_unsaved_changes(admin_client):
    design = active_design()
    url = reverse(VIEWSET.get_url_name("preview_on_edit"), args=[design.pk])
    data = design_form_data(name=design.name, title="Diploma of Completion", primary_colour="#336699")
    assert admin_client.post(url, data).json()["is_valid"] is True
    html = admin_client.get(url).content.decode()
    assert "Diploma of Completion" in html and "#336699" in html
    design.refresh_from_db()
    assert design.title == "Certificate of Completion"  # the preview saved nothing


def test_an_invalid_colour_is_refused_by_the_preview(admin_client):
    url = reverse(VIEWSET.get_url_name("preview_on_add"))
    assert admin_client.post(url, design_form_data(primary_colour="red; } body { display:none"))\
        .json()["is_valid"] is False


def test_the_edit_page_has_the_preview_panel(admin_client):
    design = active_design()
    html = admin_client.get(reverse(VIEWSET.get_url_name("edit"), args=[design.pk])).content.decode()
    assert reverse(VIEWSET.get_url_name("preview_on_edit"), args=[design.pk]) in html
    assert 'type="color"' in html


def test_sample_certificate_is_unsaved_and_uses_the_designs_signatories():
    design = active_design()
    sample = sample_certificate(design)
    assert sample.pk is None
    assert [s["name"] for s in sample.signatories] == ["Prof. Kim Jae-won", "Prof. Lee Soo-jin"]


# --- Snapshot: who signed stays, the look follows the design ---------------------------------


def test_a_certificate_keeps_its_signatories_after_the_design_changes(certificate):
    snapshotted = [
        {"name": "Prof. Kim Jae-won", "title": "Director, Medical Korea Academy", "signature_image_id": None},
        {"name": "Prof. Lee Soo-jin", "title": "Dean of Education", "signature_image_id": None},
    ]
    assert certificate.signatories == snapshotted

    design = active_design()
    design.signatories.all().delete()
    CertificateSignatory.objects.create(design=design, name="Dr. New Person", title="New Dean")

    certificate.refresh_from_db()
    assert certificate.signatories == snapshotted
    text = pdf_text(render_certificate_pdf(certificate))
    assert "Prof. Kim Jae-won" in text and "Dean of Education" in text
    assert "Dr. New Person" not in text


def test_a_name_correction_keeps_the_original_signatories(certificate):
    from certificates.services import decide_name_correction

    make_design(signatories=[("Dr. Later Signer", "Rector")])
    correction = NameCorrectionRequest.objects.create(
        certificate=certificate, name_latin="Aziz Karimov-Rashidov", reason="passport"
    )
    new = decide_name_correction(correction, approve=True, decided_by=None)
    assert new.signatories == certificate.signatories
    assert new.signatories[0]["name"] == "Prof. Kim Jae-won"


def test_rerendering_after_a_design_change_uses_the_new_look_but_the_same_facts(certificate):
    services.render_pdf(certificate.pk)
    certificate.refresh_from_db()
    before = {field: getattr(certificate, field) for field in
              ("serial", "public_code", "holder_name_latin", "holder_name_native", "course_title",
               "cme_credit_hours", "completed_on", "issuer", "signatories")}
    with certificate.pdf.open("rb") as f:
        old_text = pdf_text(f.read())
    assert "Certificate of Completion" in old_text

    make_design(title="Certificate of Achievement", primary_colour="#7a1f3d",
                signatories=[("Dr. Later Signer", "Rector")])
    services.render_pdf(certificate.pk)
    certificate.refresh_from_db()

    assert {field: getattr(certificate, field) for field in before} == before
    with certificate.pdf.open("rb") as f:
        new_text = pdf_text(f.read())
    assert "Certificate of Achievement" in new_text and "Certificate of Completion" not in new_text
    assert "#7a1f3d" in render_certificate_html(certificate)
    assert before["serial"] in new_text
    assert "Prof. Kim Jae-won" in new_text and "Dr. Later Signer" not in new_text
