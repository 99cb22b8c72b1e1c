import pytest
from django.urls import reverse

from alumni.factories import AlumnusFactory, ChapterFactory, ChapterNewsPostFactory, DirectoryEntryFactory
from alumni.models import ChapterNewsPost
from lms.accounts.factories import TraineeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def chapters():
    mongolia = ChapterFactory(country="MN", slug="mongolia", name="Mongolia chapter")
    vietnam = ChapterFactory(country="VN", slug="vietnam", name="Vietnam chapter")
    moderator = AlumnusFactory(email="mod@example.org", profile__country="MN")
    other_moderator = AlumnusFactory(email="vn-mod@example.org", profile__country="VN")
    mongolia.moderators.add(moderator)
    vietnam.moderators.add(other_moderator)
    return {"mn": mongolia, "vn": vietnam, "moderator": moderator, "other_moderator": other_moderator}


def test_a_moderator_posts_edits_and_deletes_their_chapters_news(client, chapters):
    chapter = chapters["mn"]
    client.force_login(chapters["moderator"])
    page = client.get(reverse("alumni:chapter", args=[chapter.slug])).content.decode()
    assert reverse("alumni:chapter_news_new", args=[chapter.slug]) in page

    response = client.post(
        reverse("alumni:chapter_news_new", args=[chapter.slug]),
        {"title": "Master class in Ulaanbaatar", "body": "Bring your cases."},
    )
    assert response.status_code == 302
    post = ChapterNewsPost.objects.get()
    assert (post.chapter, post.author) == (chapter, chapters["moderator"])
    assert "Master class in Ulaanbaatar" in client.get(reverse("alumni:chapter", args=[chapter.slug])).content.decode()

    client.post(
        reverse("alumni:chapter_news_edit", args=[chapter.slug, post.pk]),
        {"title": "Master class moved to May", "body": "Same place."},
    )
    post.refresh_from_db()
    assert post.title == "Master class moved to May"

    assert (
        client.post(reverse("alumni:chapter_news_new", args=[chapter.slug]), {"title": "", "body": ""}).status_code
        == 200
    )
    client.post(reverse("alumni:chapter_news_delete", args=[chapter.slug, post.pk]))
    assert not ChapterNewsPost.objects.exists()


@pytest.mark.parametrize("who", ["other_moderator", "plain_alumnus", "trainee"])
def test_others_cannot_post_edit_or_delete_a_chapters_news(client, chapters, who):
    chapter = chapters["mn"]
    post = ChapterNewsPostFactory(chapter=chapter, title="Original")
    user = {
        "other_moderator": chapters["other_moderator"],
        "plain_alumnus": AlumnusFactory(email="plain@example.org", profile__country="MN"),
        "trainee": TraineeFactory(email="trainee@example.org", profile__country="MN"),
    }[who]
    client.force_login(user)
    new_url = reverse("alumni:chapter_news_new", args=[chapter.slug])
    edit_url = reverse("alumni:chapter_news_edit", args=[chapter.slug, post.pk])
    delete_url = reverse("alumni:chapter_news_delete", args=[chapter.slug, post.pk])
    assert client.get(new_url).status_code == 403
    assert client.post(new_url, {"title": "Spam", "body": "x"}).status_code == 403
    assert client.post(edit_url, {"title": "Hacked", "body": "x"}).status_code == 403
    assert client.post(delete_url).status_code == 403
    post.refresh_from_db()
    assert post.title == "Original" and ChapterNewsPost.objects.count() == 1
    if who != "trainee":
        page = client.get(reverse("alumni:chapter", args=[chapter.slug])).content.decode()
        assert "Original" in page and new_url not in page and edit_url not in page


def test_a_moderator_cannot_edit_another_chapters_post_through_its_own_chapter_url(client, chapters):
    foreign = ChapterNewsPostFactory(chapter=chapters["vn"], title="Hanoi meeting")
    client.force_login(chapters["moderator"])
    url = reverse("alumni:chapter_news_edit", args=[chapters["mn"].slug, foreign.pk])
    assert client.post(url, {"title": "Hacked", "body": "x"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.title == "Hanoi meeting"


def test_the_chapter_page_lists_members_who_opted_in_and_show_their_country(client, chapters):
    chapter = chapters["mn"]
    listed = AlumnusFactory(email="listed@example.org", profile__country="MN", profile__name_latin="Listed Bat")
    DirectoryEntryFactory(membership=listed.alumni_membership)
    no_country = AlumnusFactory(email="nocountry@example.org", profile__country="MN", profile__name_latin="Quiet Bold")
    DirectoryEntryFactory(membership=no_country.alumni_membership, show_country=False)
    AlumnusFactory(email="unlisted@example.org", profile__country="MN", profile__name_latin="Unlisted Tuya")
    ChapterNewsPostFactory(chapter=chapter, title="Welcome to the chapter")
    client.force_login(AlumnusFactory(email="viewer@example.org", profile__country="VN"))

    page = client.get(reverse("alumni:chapter", args=[chapter.slug])).content.decode()
    assert "Listed Bat" in page and "Welcome to the chapter" in page
    assert "Quiet Bold" not in page and "Unlisted Tuya" not in page


def test_non_alumni_cannot_read_a_chapter_page(client, chapters):
    ChapterNewsPostFactory(chapter=chapters["mn"], title="Members only news")
    client.force_login(TraineeFactory(email="trainee@example.org"))
    response = client.get(reverse("alumni:chapter", args=[chapters["mn"].slug]))
    assert response.status_code == 403 and "Members only news" not in response.content.decode()
