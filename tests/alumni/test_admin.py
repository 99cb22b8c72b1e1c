import pytest
from django.core import mail
from django.urls import reverse
from wagtail.models import ModelLogEntry, PageLogEntry

from alumni import services
from alumni.factories import AlumnusFactory, ChapterFactory, NewsletterPageFactory
from alumni.models import AdmissionSource, AlumniMembership, Chapter, NewsletterDelivery
from lms.accounts.factories import StaffUserFactory, TraineeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client):
    user = StaffUserFactory(is_superuser=True, email="registrar@example.org")
    client.force_login(user)
    return user


def test_the_alumni_list_filters_by_cohort_chapter_source_and_country(client, admin):
    ChapterFactory(country="MN", slug="mongolia", name="Mongolia chapter")
    AlumnusFactory(email="bat@example.org", profile__country="MN", membership__cohort_year=2021)
    AlumnusFactory(email="aigerim@example.org", profile__country="KZ", membership__cohort_year=2024)
    url = reverse("alumni_members:index")

    def listed(**params):
        html = client.get(url, params).content.decode()
        return sorted(email for email in ("bat@example.org", "aigerim@example.org") if email in html)

    assert listed() == ["aigerim@example.org", "bat@example.org"]
    assert listed(cohort_year=2021) == ["bat@example.org"]
    assert listed(country="KZ") == ["aigerim@example.org"]
    assert listed(chapter=Chapter.objects.get().pk) == ["bat@example.org"]
    assert listed(source=AdmissionSource.OFFLINE_PROGRAMME) == []
    assert "Admit a graduate of the offline programme" in client.get(url).content.decode()


def test_staff_admit_an_offline_graduate_and_the_log_says_who(client, admin):
    graduate = TraineeFactory(email="Graduate@Example.org", profile__country="UZ")
    url = reverse("alumni_admit")
    missing_note = client.post(url, {"email": "graduate@example.org", "cohort_year": 2019, "note": ""})
    assert missing_note.status_code == 200 and not AlumniMembership.objects.exists()
    unknown = client.post(url, {"email": "nobody@example.org", "cohort_year": 2019, "note": "List"})
    assert "No account uses this address" in unknown.content.decode()
    future = client.post(url, {"email": "graduate@example.org", "cohort_year": 2999, "note": "List"})
    assert "future" in future.content.decode()

    response = client.post(url, {"email": "graduate@example.org", "cohort_year": 2019, "note": "Seoul 2019 list"})
    assert response.status_code == 302
    membership = AlumniMembership.objects.get(user=graduate)
    assert (membership.source, membership.cohort_year, membership.admitted_by) == (
        AdmissionSource.OFFLINE_PROGRAMME,
        2019,
        admin,
    )
    entry = ModelLogEntry.objects.get(action="alumni.admit")
    assert entry.user == admin and entry.data["note"] == "Seoul 2019 list"
    inspect = client.get(reverse("alumni_members:inspect", args=[membership.pk])).content.decode()
    assert "registrar@example.org" in inspect and "Seoul 2019 list" in inspect

    again = client.post(url, {"email": "graduate@example.org", "cohort_year": 2019, "note": "again"})
    assert "already an alumnus" in again.content.decode()


def test_only_staff_with_the_permission_may_admit(client):
    client.force_login(AlumnusFactory(email="alumnus@example.org"))
    response = client.post(reverse("alumni_admit"), {"email": "alumnus@example.org", "cohort_year": 2019, "note": "x"})
    assert response.status_code in (302, 403)
    assert AlumniMembership.objects.count() == 1


def test_creating_a_chapter_in_the_admin_gathers_its_countrys_alumni_and_sets_moderators(client, admin):
    alumnus = AlumnusFactory(email="kz@example.org", profile__country="KZ")
    response = client.post(
        reverse("alumni_chapters:add"),
        {
            "name": "Kazakhstan chapter",
            "slug": "kazakhstan",
            "country": "KZ",
            "description": "",
            "moderators": [alumnus.pk],
        },
    )
    assert response.status_code == 302
    chapter = Chapter.objects.get(slug="kazakhstan")
    assert services.membership_of(alumnus).chapter == chapter
    assert services.is_chapter_moderator(alumnus, chapter)


def test_an_editor_previews_tests_and_sends_an_issue_once(client, admin, django_capture_on_commit_callbacks):
    AlumnusFactory(email="a@example.org")
    AlumnusFactory(email="b@example.org")
    issue = NewsletterPageFactory(title="Alumni news: June")
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[issue.pk])).content.decode()
    send_url = reverse("alumni_newsletter_send", args=[issue.pk])
    assert send_url in edit

    preview = client.get(reverse("alumni_newsletter_email_preview", args=[issue.pk]))
    assert "Robotic thyroidectomy" in preview.content.decode() and "Unsubscribe" in preview.content.decode()
    page = client.get(send_url).content.decode()
    assert "2 subscribed alumni now" in page

    client.post(send_url, {"action": "test"})
    assert [message.to for message in mail.outbox] == [["registrar@example.org"]]
    assert mail.outbox[0].subject.startswith("[Test]")
    assert not NewsletterDelivery.objects.exists()

    client.post(send_url, {})  # no confirmation ticked
    assert len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        client.post(send_url, {"confirm": "yes"})
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(send_url, {"confirm": "yes"}, follow=True)
    assert "already been sent" in again.content.decode()
    assert sorted(message.to[0] for message in mail.outbox[1:]) == ["a@example.org", "b@example.org"]
    assert PageLogEntry.objects.filter(action="alumni.newsletter_send", page=issue).count() == 1


def test_a_curriculum_editor_without_publish_rights_cannot_send(client):
    from django.contrib.auth.models import Group

    issue = NewsletterPageFactory()
    editor = StaffUserFactory(is_staff=False, email="editor@example.org")
    editor.groups.add(Group.objects.get(name="Curriculum editors"))
    client.force_login(editor)
    assert client.post(reverse("alumni_newsletter_send", args=[issue.pk]), {"confirm": "yes"}).status_code in (302, 403)
    assert not NewsletterDelivery.objects.exists()
