import pytest
from django.urls import reverse
from django.utils import timezone

from certificates import services, tasks
from certificates.models import Certificate, CertificateStatus
from courses.factories import LessonPageFactory
from courses.models import Enrollment
from lms.accounts.factories import StaffUserFactory, TraineeFactory


def test_completing_a_course_issues_one_certificate_with_a_pdf(client, db, django_capture_on_commit_callbacks):
    from courses.factories import CoursePageFactory

    course = CoursePageFactory(title="ECG for beginners", slug="ecg")
    lesson = LessonPageFactory(parent=course, title="Reading", slug="reading", video=None)
    trainee = TraineeFactory(email="fatima@example.org", profile__name_latin="Fatimah Al-Zahra")
    Enrollment.objects.create(user=trainee, course=course)
    client.force_login(trainee)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("courses:lesson_done", args=[lesson.pk]))

    certificate = Certificate.objects.get()
    assert certificate.holder_name_latin == "Fatimah Al-Zahra"
    assert certificate.serial == f"MKA-{timezone.now():%Y}-{certificate.pk:06d}"
    assert certificate.pdf and certificate.pdf.read(5) == b"%PDF-"


def test_running_the_task_twice_issues_one_certificate(completed_enrollment):
    first = tasks.issue_certificate.apply(args=[completed_enrollment.pk]).get()
    second = tasks.issue_certificate.apply(args=[completed_enrollment.pk]).get()
    assert first == second
    assert Certificate.objects.count() == 1


def test_an_unfinished_or_missing_enrollment_gets_no_certificate(completed_enrollment):
    Enrollment.objects.filter(pk=completed_enrollment.pk).update(completed_at=None)
    assert tasks.issue_certificate.apply(args=[completed_enrollment.pk]).get() is None
    assert tasks.issue_certificate.apply(args=[999999]).get() is None
    assert not Certificate.objects.exists()


def test_the_snapshot_does_not_follow_later_changes(certificate, completed_enrollment):
    profile = completed_enrollment.user.profile
    profile.name_latin = "Someone Else"
    profile.save()
    course = completed_enrollment.course
    course.title = "Renamed course"
    course.cme_credit_hours = 99
    course.save_revision().publish()

    certificate.refresh_from_db()
    assert certificate.holder_name_latin == "Aziz Karimov"
    assert certificate.holder_name_native == "Азиз Каримов"
    assert certificate.course_title == "Echocardiography basics"
    assert certificate.track_title == "Cardiology"
    assert certificate.cme_credit_hours == 6
    assert certificate.credit_type == "KMA CME credits"


def test_the_certificate_is_worded_in_the_holders_language_at_issue(completed_enrollment):
    profile = completed_enrollment.user.profile
    profile.preferred_language = "ru"
    profile.save()
    certificate = services.issue_certificate(completed_enrollment.pk)
    assert certificate.language == "ru"
    # Changing the interface language later changes no certificate already issued.
    profile.preferred_language = "ar"
    profile.save()
    certificate.refresh_from_db()
    assert certificate.language == "ru"


def test_an_english_speaking_holder_gets_an_english_only_certificate(certificate):
    assert certificate.language == ""


def test_the_verify_page_shows_a_valid_certificate_without_login(client, certificate):
    html = client.get(reverse("certificates:verify", args=[certificate.public_code])).content.decode()
    assert "Valid certificate" in html
    for fact in ("Aziz Karimov", "Азиз Каримов", "Echocardiography basics", "6 hours", certificate.serial):
        assert fact in html
    assert "aziz@example.org" not in html  # nothing else personal


def test_a_revoked_certificate_says_so_with_the_date_but_not_the_reason(client, certificate):
    services.revoke(certificate, "Exam taken by someone else", revoked_by=StaffUserFactory())
    html = client.get(reverse("certificates:verify", args=[certificate.public_code])).content.decode()
    assert "Revoked on" in html
    assert "Exam taken by someone else" not in html
    assert "Valid certificate" not in html


def test_a_revocation_needs_a_reason(certificate):
    with pytest.raises(services.CertificateError):
        services.revoke(certificate, "  ", revoked_by=None)
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID


def test_an_unknown_code_is_a_plain_not_found(client, db):
    response = client.get(reverse("certificates:verify", args=["no-such-code"]))
    assert response.status_code == 404


def test_a_superseded_certificate_points_to_its_replacement(client, certificate, completed_enrollment):
    Certificate.objects.filter(pk=certificate.pk).update(status=CertificateStatus.SUPERSEDED)
    replacement = services.issue_certificate(completed_enrollment.pk)
    Certificate.objects.filter(pk=certificate.pk).update(superseded_by=replacement)

    html = client.get(reverse("certificates:verify", args=[certificate.public_code])).content.decode()
    assert "Replaced by a corrected certificate" in html
    assert reverse("certificates:verify", args=[replacement.public_code]) in html


def test_a_third_party_finds_a_certificate_by_serial_and_surname(client, certificate):
    response = client.get(reverse("certificates:lookup"), {"serial": certificate.serial.lower(), "surname": "karimov"})
    assert response["Location"] == reverse("certificates:verify", args=[certificate.public_code])

    wrong = client.get(reverse("certificates:lookup"), {"serial": certificate.serial, "surname": "Ivanov"})
    assert wrong.status_code == 404
    assert "No certificate matches" in wrong.content.decode()


def test_lookups_are_rate_limited(client, settings, certificate):
    # django-ratelimit counts in fixed windows: a day-long one cannot roll over mid-test.
    settings.CERTIFICATE_LOOKUPS_RATE = "3/d"
    from django.core.cache import cache

    cache.clear()
    url = reverse("certificates:lookup")
    codes = [client.get(url, {"serial": "MKA-2026-999999", "surname": "X"}).status_code for _ in range(5)]
    assert codes[:3] == [404, 404, 404]
    assert codes[3:] == [429, 429]
    assert client.get(reverse("certificates:verify", args=[certificate.public_code])).status_code == 429
    cache.clear()


def test_only_the_holder_and_staff_download_the_pdf(client, certificate):
    url = reverse("certificates:download", args=[certificate.public_code])
    assert client.get(url).status_code == 302  # log in first

    client.force_login(TraineeFactory(email="other@example.org"))
    assert client.get(url).status_code == 404

    client.force_login(certificate.enrollment.user)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")

    client.force_login(StaffUserFactory(is_superuser=True))
    assert client.get(url).status_code == 200


def test_the_dashboard_lists_the_certificate_with_its_download(client, certificate):
    client.force_login(certificate.enrollment.user)
    html = client.get(reverse("courses:dashboard")).content.decode()
    assert certificate.serial in html
    assert reverse("certificates:download", args=[certificate.public_code]) in html
