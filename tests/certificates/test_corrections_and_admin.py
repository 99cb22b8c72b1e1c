from django.urls import reverse

from certificates.models import Certificate, CertificateStatus, CorrectionStatus, NameCorrectionRequest
from lms.accounts.factories import StaffUserFactory, TraineeFactory


def test_a_name_correction_reissues_a_certificate_that_supersedes_the_old_one(client, certificate):
    Certificate.objects.filter(pk=certificate.pk).update(language="ru")
    certificate.refresh_from_db()
    holder = certificate.enrollment.user
    client.force_login(holder)
    url = reverse("certificates:request_correction", args=[certificate.public_code])
    response = client.post(url, {"name_latin": "Aziz Karimov-Rashidov", "name_native": "Азиз Каримов-Рашидов",
                                 "reason": "My passport has a double surname"})
    assert response.status_code == 302
    again = client.post(url, {"name_latin": "Aziz K", "reason": "again"}, follow=True)
    assert "already waiting for review" in again.content.decode()
    correction = NameCorrectionRequest.objects.get()

    admin = StaffUserFactory(is_superuser=True, email="registrar@example.org")
    client.force_login(admin)
    client.post(reverse("certificate_correction", args=[correction.pk]), {"decision": "approve", "note": "Passport checked"})

    certificate.refresh_from_db()
    new = certificate.superseded_by
    assert certificate.status == CertificateStatus.SUPERSEDED
    assert new.holder_name_latin == "Aziz Karimov-Rashidov"
    assert (new.course_title, new.completed_on, new.cme_credit_hours, new.language) == (
        certificate.course_title, certificate.completed_on, certificate.cme_credit_hours, "ru")
    assert new.public_code != certificate.public_code and new.serial != certificate.serial
    assert NameCorrectionRequest.objects.get().status == CorrectionStatus.APPROVED
    old_page = client.get(reverse("certificates:verify", args=[certificate.public_code])).content.decode()
    assert reverse("certificates:verify", args=[new.public_code]) in old_page
    assert Certificate.objects.count() == 2  # the history is kept


def test_only_the_holder_can_ask_for_a_correction(client, certificate):
    client.force_login(TraineeFactory(email="other@example.org"))
    assert client.get(reverse("certificates:request_correction", args=[certificate.public_code])).status_code == 404


def test_an_admin_revokes_with_a_reason_and_it_is_logged(client, certificate):
    from wagtail.models import ModelLogEntry

    client.force_login(StaffUserFactory(is_superuser=True, email="registrar@example.org"))
    url = reverse("certificate_revoke", args=[certificate.pk])
    assert client.post(url, {"reason": ""}).status_code == 200  # the form asks for the reason
    certificate.refresh_from_db()
    assert certificate.is_valid

    client.post(url, {"reason": "Identity fraud"})
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.REVOKED
    assert certificate.revoked_reason == "Identity fraud"
    assert ModelLogEntry.objects.filter(action="certificates.revoke", object_id=str(certificate.pk)).exists()


def test_admins_list_certificates_but_cannot_edit_them(client, certificate):
    client.force_login(StaffUserFactory(is_superuser=True, email="registrar@example.org"))
    listing = client.get(reverse("certificate_admin:index"))
    assert listing.status_code == 200 and certificate.serial in listing.content.decode()
    assert client.get(reverse("certificate_admin:inspect", args=[certificate.pk])).status_code == 200
    edit = client.get(reverse("certificate_admin:edit", args=[certificate.pk]))
    assert edit.status_code in (302, 403)


def test_a_curriculum_editor_cannot_revoke(client, certificate):
    from django.contrib.auth.models import Group

    editor = StaffUserFactory(is_staff=False, email="editor@example.org")
    editor.groups.add(Group.objects.get(name="Curriculum editors"))
    client.force_login(editor)
    client.post(reverse("certificate_revoke", args=[certificate.pk]), {"reason": "no"})
    certificate.refresh_from_db()
    assert certificate.is_valid
