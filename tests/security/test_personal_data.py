"""A trainee downloads everything we hold about them, and can delete their account."""

import json

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth import SESSION_KEY
from django.core.files.storage import default_storage
from django.urls import reverse

from alumni import events as alumni_events
from alumni.factories import AlumnusFactory, EventPageFactory
from alumni.models import (
    AlumniMembership,
    CalendarFeed,
    ChapterNewsPost,
    DirectoryEntry,
    Question,
    QuestionVote,
    Registration,
)
from billing.models import Entitlement, Order, SeatCode, Subscription
from certificates.models import Certificate, NameCorrectionRequest
from courses.models import Enrollment, ExamAttempt, LessonProgress
from lms.accounts import personal_data
from lms.accounts.models import TraineeProfile, User

from .conftest import PASSWORD
from .world import OWNER_EMAIL, OWNER_NAME, build_world


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def owner_client(client, world):
    client.force_login(world.owner)
    return client


def download(client):
    response = client.get(reverse("accounts:download_personal_data"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    return json.loads(response.content)


def delete(client, password=PASSWORD, confirm=True):
    data = {"password": password}
    if confirm:
        data["confirm"] = "on"
    return client.post(reverse("accounts:delete_account"), data)


# --- Download ----------------------------------------------------------------------


def test_the_download_holds_profile_enrollments_progress_attempts_and_certificates(owner_client, world):
    data = download(owner_client)

    assert data["account"]["email"] == OWNER_EMAIL
    assert data["profile"]["name_latin"] == OWNER_NAME
    assert data["profile"]["name_native"] == "Зарина Овнерова"  # UTF-8, not escaped away
    assert data["profile"]["country"] == "UZ"
    assert {e["course"] for e in data["enrollments"]} == {
        "Echocardiography basics",
        "ECG for beginners",
    }
    assert {p["lesson"] for p in data["lesson_progress"]} == {"Standard views", "Reading list"}
    assert [a["state"] for a in data["exam_attempts"]] == ["submitted", "open"]
    answered = data["exam_attempts"][0]["answers"][0]
    assert answered["question"] == "Which view shows the aortic valve best?"
    assert answered["selected"] == ["Parasternal long axis"]
    assert data["certificates"][0]["serial"] == world.certificate.serial
    assert data["certificates"][0]["verify_url"].endswith(f"/verify/{world.certificate.public_code}/")
    assert data["name_correction_requests"][0]["name_latin"] == "Zarina Ownerova-Lee"


def test_the_download_holds_orders_passes_seats_and_the_alumni_life(owner_client, world):
    data = download(owner_client)

    orders = {order["reference"]: order for order in data["orders"]}
    paid = orders[str(world.paid_order.reference)]
    assert paid["status"] == "paid" and paid["total_minor"] == 4900 and paid["currency"] == "USD"
    assert paid["receipt_number"] == world.paid_order.receipt_number
    assert paid["buyer_name"] == OWNER_NAME and paid["buyer_email"] == OWNER_EMAIL
    assert paid["lines"] == [{"description": "Structural heart", "amount_minor": 4900}]
    assert orders[str(world.pending_order.reference)]["status"] == "pending"
    assert {e["access_to"] for e in data["entitlements"]} >= {"Structural heart", "Cardiology"}
    assert [s["status"] for s in data["subscriptions"]] == ["active"]
    assert data["seat_codes_redeemed"][0]["code"] == world.seat_code.code

    assert data["alumni_membership"]["chapter"] == "Uzbekistan chapter"
    assert data["alumni_membership"]["moderator_of"] == ["Uzbekistan chapter"]
    assert data["directory_entry"]["listed"] is False and data["directory_entry"]["city"] == "Tashkent"
    assert data["directory_entry"]["has_photo"] is True
    assert data["event_registrations"] == [
        {
            "event": "Echo case night",
            "starts_at": world.event.starts_at.isoformat(),
            "status": "registered",
            "registered_at": world.registration.created_at.isoformat(),
            "promoted_at": None,
            "attended_at": None,
        }
    ]
    assert data["event_questions"][0]["question"] == "How do you grade mitral regurgitation?"
    assert len(data["event_question_votes"]) == 1
    assert data["chapter_news_posted"][0]["title"] == "Tashkent meet-up"
    assert len(data["directory_messages_sent"]) == 1
    assert data["newsletter"]["subscribed"] is True
    assert data["event_calendar_feed"] is True
    assert world.feed.token not in json.dumps(data)  # the feed's secret address is not handed out


def test_the_download_holds_nothing_of_another_trainee(client, world):
    client.force_login(world.other)

    text = json.dumps(download(client), ensure_ascii=False)

    assert OWNER_NAME not in text and OWNER_EMAIL not in text
    assert "Boris Other" in text


def test_the_download_never_contains_second_factor_secrets(client, db):
    from lms.accounts.factories import StaffUserFactory

    staff = StaffUserFactory(email="editor@mka.example")
    client.force_login(staff)

    data = download(client)

    assert data["account"]["two_factor_methods"] == ["recovery_codes", "totp"]
    assert "JBSWY3DPEHPK3PXP" not in json.dumps(data)


def test_the_profile_page_links_to_the_data_page(owner_client):
    page = owner_client.get(reverse("accounts:profile")).content.decode()
    assert reverse("accounts:personal_data") in page
    data_page = owner_client.get(reverse("accounts:personal_data")).content.decode()
    assert reverse("accounts:download_personal_data") in data_page
    assert reverse("accounts:delete_account") in data_page


# --- Deletion ----------------------------------------------------------------------


def test_deletion_needs_the_password_and_the_confirmation(owner_client, world):
    assert delete(owner_client, password="not-my-password").status_code == 200
    assert delete(owner_client, confirm=False).status_code == 200

    owner = User.objects.get(pk=world.owner.pk)
    assert owner.email == OWNER_EMAIL and owner.is_active
    assert TraineeProfile.objects.filter(user=owner).exists()
    assert SESSION_KEY in owner_client.session


def test_guessing_the_password_on_the_deletion_form_is_rate_limited(owner_client, world, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "reauthenticate": "3/m/user"}
    for _guess in range(3):
        assert delete(owner_client, password="guess").status_code == 200

    assert delete(owner_client).status_code == 429
    assert User.objects.get(pk=world.owner.pk).is_active


def test_after_deletion_the_person_cannot_log_in_and_their_data_is_gone(
    owner_client, client, world, django_capture_on_commit_callbacks
):
    pdf_name = world.certificate.pdf.name
    assert default_storage.exists(pdf_name)

    with django_capture_on_commit_callbacks(execute=True):
        response = delete(owner_client)

    assert response.status_code == 302
    assert SESSION_KEY not in owner_client.session
    owner = User.objects.get(pk=world.owner.pk)
    assert owner.email == f"deleted-{owner.pk}@invalid"
    assert not owner.is_active and not owner.has_usable_password()
    assert not TraineeProfile.objects.filter(user=owner).exists()
    assert not EmailAddress.objects.filter(user=owner).exists()
    assert not LessonProgress.objects.filter(enrollment__user=owner).exists()
    assert not ExamAttempt.objects.filter(enrollment__user=owner).exists()
    assert not NameCorrectionRequest.objects.filter(certificate__enrollment__user=owner).exists()
    # The enrollment behind the certificate stays (anonymous); the unfinished one goes.
    assert list(Enrollment.objects.filter(user=owner).values_list("course__title", flat=True)) == ["ECG for beginners"]

    certificate = Certificate.objects.get(pk=world.certificate.pk)
    assert certificate.holder_name_latin == "" and certificate.holder_name_native == ""
    assert not certificate.pdf
    assert not default_storage.exists(pdf_name)

    login = client.post(reverse("account_login"), {"login": OWNER_EMAIL, "password": PASSWORD})
    assert login.status_code == 200
    assert SESSION_KEY not in client.session


def test_after_deletion_orders_are_kept_anonymised_and_the_alumni_traces_are_gone(
    owner_client, world, django_capture_on_commit_callbacks
):
    receipt_name = world.paid_order.receipt_pdf.name
    photo_name = world.entry.photo.name
    assert default_storage.exists(receipt_name) and default_storage.exists(photo_name)
    # A full seminar: deleting the account frees the owner's seat for the first on the list.
    full = EventPageFactory(title="Small master class", capacity=1)
    alumni_events.register(world.owner, full)
    waiting = alumni_events.register(AlumnusFactory(email="waiting@example.org"), full)
    assert waiting.status == "waitlisted"
    entitlements = Entitlement.objects.filter(user=world.owner).count()

    with django_capture_on_commit_callbacks(execute=True):
        assert delete(owner_client).status_code == 302

    owner = world.owner
    # The accounts keep every order, line, receipt number, entitlement, pass and seat...
    paid = Order.objects.get(pk=world.paid_order.pk)
    assert paid.status == "paid" and paid.total_minor == 4900 and paid.lines.count() == 1
    assert paid.receipt_number == world.paid_order.receipt_number and paid.buyer_country == "UZ"
    assert Order.objects.filter(user=owner).count() == 3
    assert Entitlement.objects.filter(user=owner).count() == entitlements
    assert Subscription.objects.get(pk=world.subscription.pk).status == "canceling"  # kept, but never renews
    assert SeatCode.objects.get(pk=world.seat_code.pk).redeemed_by == owner
    # ...but no longer the buyer's name, e-mail or the receipt PDF that prints them.
    assert not Order.objects.filter(user=owner).exclude(buyer_name="", buyer_email="").exists()
    assert not paid.receipt_pdf and not default_storage.exists(receipt_name)

    assert not AlumniMembership.objects.filter(user=owner).exists()
    assert not DirectoryEntry.objects.filter(pk=world.entry.pk).exists()
    assert not default_storage.exists(photo_name)
    assert not Registration.objects.filter(user=owner).exists()
    assert not Question.objects.filter(author=owner).exists()
    assert not QuestionVote.objects.filter(user=owner).exists()
    assert not CalendarFeed.objects.filter(user=owner).exists()
    assert not world.chapter.moderators.filter(pk=owner.pk).exists()
    news = ChapterNewsPost.objects.get(pk=world.news_post.pk)  # the chapter's news stays
    assert news.author is None and news.title == "Tashkent meet-up"
    waiting.refresh_from_db()
    assert waiting.status == "registered" and waiting.promoted_at is not None
    # The other alumnus's own seat at the owner's event is untouched.
    assert Registration.objects.get(event=world.event, user=world.other).status == "registered"


def test_the_verify_page_says_the_holder_deleted_their_account(owner_client, client, world):
    url = reverse("certificates:verify", args=[world.certificate.public_code])
    assert OWNER_NAME in client.get(url).content.decode()

    delete(owner_client)

    page = client.get(url).content.decode()
    assert "The holder has deleted their account." in page
    assert OWNER_NAME not in page and "Зарина" not in page
    assert world.certificate.serial in page and "ECG for beginners" in page
    assert "Valid certificate" in page


def test_other_sessions_of_the_deleted_account_end_too(client, world):
    other_device = client.__class__()
    other_device.force_login(world.owner)
    client.force_login(world.owner)

    delete(client)

    response = other_device.get(reverse("courses:dashboard"))
    assert response.status_code == 302


def test_deleting_a_staff_account_removes_its_admin_rights_and_second_factor(client, db):
    from django.contrib.auth.models import Group

    from lms.accounts.factories import StaffUserFactory

    staff = StaffUserFactory(email="editor@mka.example", is_superuser=True)
    staff.groups.add(Group.objects.get(name="Curriculum editors"))
    client.force_login(staff)

    delete(client)

    staff.refresh_from_db()
    assert not (staff.is_staff or staff.is_superuser or staff.is_active)
    assert not staff.groups.exists()
    assert not Authenticator.objects.filter(user=staff).exists()


def test_a_failing_handler_leaves_everything_as_it_was(owner_client, world, settings):
    settings.ACCOUNT_DELETION_HANDLERS = [
        *settings.ACCOUNT_DELETION_HANDLERS,
        "tests.security.test_personal_data.failing_handler",
    ]
    pdf_name = world.certificate.pdf.name

    with pytest.raises(RuntimeError):
        personal_data.delete_account(world.owner)

    owner = User.objects.get(pk=world.owner.pk)
    assert owner.email == OWNER_EMAIL and owner.is_active
    assert TraineeProfile.objects.get(user=owner).name_latin == OWNER_NAME
    assert Certificate.objects.get(pk=world.certificate.pk).holder_name_latin == OWNER_NAME
    assert ExamAttempt.objects.filter(enrollment__user=owner).count() == 2
    assert default_storage.exists(pdf_name)
    paid = Order.objects.get(pk=world.paid_order.pk)
    assert paid.buyer_name == OWNER_NAME and default_storage.exists(paid.receipt_pdf.name)
    assert DirectoryEntry.objects.filter(pk=world.entry.pk).exists()
    assert Registration.objects.filter(user=owner).exists()


def failing_handler(user):
    raise RuntimeError("billing could not anonymise an order")


def test_deleting_twice_is_refused_with_a_message(world):
    personal_data.delete_account(world.owner)

    with pytest.raises(personal_data.PersonalDataError):
        personal_data.delete_account(world.owner)
