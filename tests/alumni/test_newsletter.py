import pytest
from django.core import mail
from django.urls import reverse

from alumni import newsletter, tasks
from alumni.exceptions import AlumniError
from alumni.factories import AlumnusFactory, ChapterFactory, NewsletterPageFactory
from alumni.models import DeliveryStatus, NewsletterDelivery, NewsletterUnsubscription
from lms.accounts.factories import StaffUserFactory, TraineeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    kz = ChapterFactory(country="KZ", slug="kazakhstan")
    ChapterFactory(country="VN", slug="vietnam")
    return {
        "kz_cardio_ru": AlumnusFactory(
            email="kz@example.org",
            profile__country="KZ",
            profile__specialty="cardiology",
            profile__preferred_language="ru",
        ),
        "vn_derm_vi": AlumnusFactory(
            email="vn@example.org",
            profile__country="VN",
            profile__specialty="dermatology",
            profile__preferred_language="vi",
        ),
        "uz_cardio_en": AlumnusFactory(
            email="uz@example.org",
            profile__country="UZ",
            profile__specialty="cardiology",
            profile__preferred_language="en",
        ),
        "trainee": TraineeFactory(email="trainee@example.org", profile__country="KZ"),
        "kz": kz,
    }


def emails(issue):
    return sorted(newsletter.recipients(issue).values_list("email", flat=True))


def test_segments_by_chapter_specialty_and_language_and_all(people):
    issue = NewsletterPageFactory()
    assert emails(issue) == ["kz@example.org", "uz@example.org", "vn@example.org"]  # all alumni, no trainee

    issue.segment_chapters.set([people["kz"]])
    assert emails(issue) == ["kz@example.org"]

    issue.segment_chapters.set([])
    issue.segment_specialties = ["cardiology"]
    assert emails(issue) == ["kz@example.org", "uz@example.org"]

    issue.segment_languages = ["ru", "vi"]  # criteria combine: cardiology AND (ru or vi)
    assert emails(issue) == ["kz@example.org"]

    issue.segment_specialties = []
    assert emails(issue) == ["kz@example.org", "vn@example.org"]


def test_unsubscribed_alumni_are_left_out_of_every_segment(people):
    issue = NewsletterPageFactory()
    newsletter.unsubscribe(people["vn_derm_vi"])
    assert emails(issue) == ["kz@example.org", "uz@example.org"]
    issue.segment_specialties = ["dermatology"]
    assert emails(issue) == []


def test_each_person_gets_exactly_one_email_when_the_send_task_runs_twice(people, django_capture_on_commit_callbacks):
    issue = NewsletterPageFactory(title="Alumni news: spring")
    with django_capture_on_commit_callbacks(execute=True):
        newsletter.start_sending(issue, StaffUserFactory(email="editor@example.org"))
    tasks.send_newsletter.apply(args=[issue.pk]).get()  # started again (e.g. the message was delivered twice)

    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["kz@example.org", "uz@example.org", "vn@example.org"]
    assert NewsletterDelivery.objects.filter(issue=issue, status=DeliveryStatus.SENT).count() == 3
    with pytest.raises(AlumniError):
        newsletter.start_sending(issue, None)  # the admin button refuses a second send


def test_a_retried_batch_sends_nothing_twice_and_a_new_alumnus_gets_the_issue_once(people, monkeypatch):
    monkeypatch.setattr(newsletter, "BATCH_SIZE", 2)
    issue = NewsletterPageFactory()
    batches = newsletter.prepare_deliveries(issue.pk)
    assert [len(batch) for batch in batches] == [2, 1]

    tasks.send_newsletter_batch.apply(args=[issue.pk, batches[0]]).get()
    tasks.send_newsletter_batch.apply(args=[issue.pk, batches[0]]).get()  # the broker redelivers the batch
    assert len(mail.outbox) == 2

    late = AlumnusFactory(email="late@example.org")  # admitted meanwhile
    tasks.send_newsletter.apply(args=[issue.pk]).get()  # a second start picks up the rest
    tasks.send_newsletter_batch.apply(args=[issue.pk, batches[1]]).get()
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["kz@example.org", "late@example.org", "uz@example.org", "vn@example.org"]
    assert NewsletterDelivery.objects.filter(issue=issue).count() == 4
    assert late


def test_a_row_left_in_sending_by_a_dead_worker_is_never_sent_again(people):
    issue = NewsletterPageFactory()
    batch = newsletter.prepare_deliveries(issue.pk)[0]
    NewsletterDelivery.objects.filter(pk=batch[0]).update(
        status=DeliveryStatus.SENDING
    )  # claimed, then the worker died
    newsletter.send_batch(issue.pk, batch)
    assert len(mail.outbox) == 2
    assert NewsletterDelivery.objects.get(pk=batch[0]).status == DeliveryStatus.SENDING


def test_the_email_is_multipart_in_the_readers_language_with_one_click_unsubscribe_headers(people, client):
    issue = NewsletterPageFactory(title="Alumni news: robotic surgery")
    reader = people["kz_cardio_ru"]
    message = newsletter.build_email(issue, reader)

    assert message.to == ["kz@example.org"] and message.subject == "Alumni news: robotic surgery"
    html = message.alternatives[0][0]
    assert message.alternatives[0][1] == "text/html"
    assert "Robotic thyroidectomy" in html and "Robotic thyroidectomy" in message.body
    assert "<p>" not in message.body  # the text part is plain text
    assert '<html lang="ru"' in html
    token = newsletter.unsubscribe_token(reader)
    url = reverse("alumni:unsubscribe", args=[token])
    assert message.extra_headers["List-Unsubscribe"] == f"<http://127.0.0.1:8000{url}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url in html and url in message.body
    raw = message.message().as_string()
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in raw


def test_one_click_unsubscribe_works_without_login_or_csrf_token(people):
    from django.test import Client

    reader = people["vn_derm_vi"]
    url = reverse("alumni:unsubscribe", args=[newsletter.unsubscribe_token(reader)])
    mail_client = Client(enforce_csrf_checks=True)
    page = mail_client.get(url)
    assert page.status_code == 200 and "vn@example.org" in page.content.decode()
    assert not NewsletterUnsubscription.objects.exists()  # GET only asks (link scanners must not unsubscribe)

    response = mail_client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert NewsletterUnsubscription.objects.filter(user=reader).exists()
    assert mail_client.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 200  # again: still fine
    assert "vn@example.org" not in emails(NewsletterPageFactory())


def test_a_damaged_unsubscribe_link_says_so_and_changes_nothing(people, client):
    token = newsletter.unsubscribe_token(people["vn_derm_vi"])
    response = client.post(reverse("alumni:unsubscribe", args=[token[:-3] + "xyz"]))
    assert response.status_code == 400 and "damaged" in response.content.decode()
    assert not NewsletterUnsubscription.objects.exists()


def test_alumni_stop_and_restart_the_newsletter_from_the_alumni_area(people, client):
    reader = people["uz_cardio_en"]
    client.force_login(reader)
    client.post(reverse("alumni:subscription"))
    assert not newsletter.is_subscribed(reader)
    client.post(reverse("alumni:subscription"), {"subscribe": "1"})
    assert newsletter.is_subscribed(reader)


def test_an_unpublished_issue_cannot_be_sent(people):
    issue = NewsletterPageFactory()
    issue.unpublish()
    with pytest.raises(AlumniError, match="Publish"):
        newsletter.start_sending(issue, None)
    assert not NewsletterDelivery.objects.exists()


def test_the_archive_and_issues_are_for_alumni(people, client):
    issue = NewsletterPageFactory(title="Alumni news: autumn")
    client.force_login(people["trainee"])
    response = client.get(issue.url)
    assert response.status_code == 403 and "Robotic thyroidectomy" not in response.content.decode()
    client.force_login(people["kz_cardio_ru"])
    assert "Robotic thyroidectomy" in client.get(issue.url).content.decode()
    archive = client.get(issue.get_parent().url).content.decode()
    assert "Alumni news: autumn" in archive
