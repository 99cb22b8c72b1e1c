from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from certificates.models import Certificate, RenderJob
from lms.accounts.factories import StaffUserFactory


def test_the_transcript_lists_hours_per_credit_type_and_downloads_as_pdf(client, certificate, tmp_path):
    client.force_login(certificate.enrollment.user)
    html = client.get(reverse("certificates:transcript")).content.decode()
    assert certificate.serial in html
    assert "Total · KMA CME credits" in html

    response = client.get(reverse("certificates:transcript_pdf"))
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "transcript.pdf"
    path.write_bytes(b"".join(response.streaming_content))
    text = "".join(page.extract_text() for page in PdfReader(path).pages)
    assert "Aziz Karimov" in text and "Азиз Каримов" in text
    assert certificate.serial in text and "KMA CME credits" in text


def test_a_revoked_certificate_leaves_the_transcript(client, certificate):
    from certificates.services import revoke

    revoke(certificate, "Fraud", revoked_by=None)
    client.force_login(certificate.enrollment.user)
    assert certificate.serial not in client.get(reverse("certificates:transcript")).content.decode()


def test_bulk_rerender_keeps_codes_and_snapshots(certificate, completed_enrollment, django_capture_on_commit_callbacks):
    before = Certificate.objects.values("pk", "public_code", "serial", "holder_name_latin", "course_title").get()
    rendered_before = certificate.pdf_rendered_at

    with django_capture_on_commit_callbacks(execute=True):
        call_command("rerender_certificates", "--batch-size", "1")

    certificate.refresh_from_db()
    job = RenderJob.objects.get()
    assert (job.total, job.done, job.failed) == (1, 1, 0)
    assert job.finished_at is not None and job.percent == 100
    assert Certificate.objects.values("pk", "public_code", "serial", "holder_name_latin", "course_title").get() == before
    assert certificate.pdf_rendered_at > rendered_before
    assert certificate.pdf.read(5) == b"%PDF-"


def test_admins_start_a_rerender_and_see_its_progress(client, certificate, django_capture_on_commit_callbacks):
    client.force_login(StaffUserFactory(is_superuser=True, email="registrar@example.org"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("certificate_rerender"))
    response = client.get(reverse("certificate_rerender"))
    assert response.status_code == 200
    assert "1 / 1 (100%)" in response.content.decode()
