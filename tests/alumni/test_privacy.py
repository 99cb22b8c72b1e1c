import pytest
from django.urls import reverse

from alumni.factories import AlumnusFactory, ChapterFactory, DirectoryEntryFactory, NewsletterPageFactory
from lms.accounts.factories import TraineeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def listed():
    user = AlumnusFactory(email="listed@example.org", profile__country="MN", profile__name_latin="Tuya Bat")
    return DirectoryEntryFactory(membership=user.alumni_membership)


def assert_private(response):
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    if response["Content-Type"].startswith("text/html"):
        assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()


def test_every_alumni_page_is_kept_out_of_search_engines_and_caches(client, listed):
    chapter = ChapterFactory(country="MN", slug="mongolia")
    issue = NewsletterPageFactory()
    client.force_login(AlumnusFactory(email="viewer@example.org"))
    urls = [
        reverse("alumni:home"),
        reverse("alumni:directory"),
        reverse("alumni:directory_json"),
        reverse("alumni:entry", args=[listed.pk]),
        reverse("alumni:contact", args=[listed.pk]),
        reverse("alumni:my_entry"),
        reverse("alumni:chapter", args=[chapter.slug]),
        issue.url,
        issue.get_parent().url,
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_private(response)
    # The pages for outsiders too.
    client.force_login(TraineeFactory(email="outsider@example.org"))
    assert_private(client.get(reverse("alumni:directory")))
    client.logout()
    assert_private(client.get(reverse("alumni:unsubscribe", args=["broken"])))


def test_hiding_yourself_takes_effect_on_the_next_request(client, listed):
    viewer = AlumnusFactory(email="viewer@example.org")
    client.force_login(viewer)
    entry_url = reverse("alumni:entry", args=[listed.pk])
    assert client.get(entry_url).status_code == 200
    assert "Tuya Bat" in client.get(reverse("alumni:directory")).content.decode()

    client.force_login(listed.membership.user)
    client.post(reverse("alumni:hide_me"))

    client.force_login(viewer)
    assert client.get(entry_url).status_code == 404
    assert "Tuya Bat" not in client.get(reverse("alumni:directory")).content.decode()
    assert "Tuya Bat" not in client.get(reverse("alumni:directory_json")).content.decode()
    assert client.get(reverse("alumni:photo", args=[listed.pk])).status_code == 404


def test_outsiders_get_the_join_page_with_no_directory_data(client, listed):
    urls = (
        reverse("alumni:entry", args=[listed.pk]),
        reverse("alumni:photo", args=[listed.pk]),
        reverse("alumni:contact", args=[listed.pk]),
        reverse("alumni:my_entry"),
    )
    for url in urls:  # anonymous: the login page, then back here
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == f"{reverse('account_login')}?next={url}"
    client.force_login(TraineeFactory(email="learner@example.org"))
    for url in urls:
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Tuya Bat" not in response.content.decode()
        assert "This area is for alumni" in response.content.decode()


def test_the_alumni_menu_link_shows_for_alumni_only(client, listed):
    client.force_login(TraineeFactory(email="learner@example.org"))
    assert f'href="{reverse("alumni:home")}"' not in client.get(reverse("courses:dashboard")).content.decode()
    client.force_login(listed.membership.user)
    assert f'href="{reverse("alumni:home")}"' in client.get(reverse("courses:dashboard")).content.decode()
