import io
import json
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from alumni.factories import AlumnusFactory, ChapterFactory, DirectoryEntryFactory
from alumni.models import DirectoryEntry, DirectoryLanguage
from lms.accounts.factories import TraineeFactory

pytestmark = pytest.mark.django_db


def png_bytes(size=(64, 64), colour="red"):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def make_entry(email, *, country="MN", specialty="burn-care", institution="Hospital-MARKER-INST", **fields):
    user = AlumnusFactory(
        email=email,
        profile__country=country,
        profile__specialty=specialty,
        profile__institution=institution,
        profile__name_latin=email.split("@")[0].title(),
    )
    entry = DirectoryEntryFactory(membership=user.alumni_membership, **fields)
    return entry


def with_photo(entry):
    from alumni.directory import normalise_photo

    entry.photo.save("photo.jpg", normalise_photo(SimpleUploadedFile("p.png", png_bytes())), save=True)
    return entry


def results_html(response):
    # The filter menus list every specialty; visibility is checked where the cards are.
    html = response.content.decode()
    return html[html.index('id="directory-results"') :]


# Each field with a marker only that field contains, and what switches it off.
FIELDS = {
    "institution": ("show_institution", "Hospital-MARKER-INST"),
    "specialty": ("show_specialty", "Burn care"),
    "country": ("show_country", "Mongolia"),
    "city": ("show_city", "City-MARKER-Darkhan"),
    "languages": ("show_languages", "Esperanto"),
    "bio": ("show_bio", "Bio-MARKER-loves-echo"),
}


@pytest.mark.parametrize("field", sorted(FIELDS))
def test_a_hidden_item_never_reaches_other_alumni_in_html_or_json(client, field):
    switch, marker = FIELDS[field]
    entry = make_entry("bold@example.org", city="City-MARKER-Darkhan", bio="Bio-MARKER-loves-echo")
    DirectoryLanguage.objects.create(entry=entry, language="eo")
    client.force_login(AlumnusFactory(email="viewer@example.org", profile__country="KZ"))

    shown = [
        client.get(reverse("alumni:entry", args=[entry.pk])).content.decode(),
        results_html(client.get(reverse("alumni:directory"))),
        client.get(reverse("alumni:directory_json")).content.decode(),
    ]
    assert marker in shown[0] and marker in shown[2]  # the entry page and the JSON
    assert field == "bio" or marker in shown[1]  # cards in the list leave the bio out

    DirectoryEntry.objects.filter(pk=entry.pk).update(**{switch: False})
    hidden = [
        client.get(reverse("alumni:entry", args=[entry.pk])).content.decode(),
        results_html(client.get(reverse("alumni:directory"))),
        client.get(reverse("alumni:directory_json")).content.decode(),
    ]
    assert "Bold" in hidden[0] and "Bold" in hidden[1]  # still listed, by name
    for page in hidden:
        assert marker not in page


def test_a_hidden_photo_is_neither_linked_nor_served(client):
    entry = with_photo(make_entry("face@example.org"))
    client.force_login(AlumnusFactory(email="viewer@example.org"))
    photo_url = reverse("alumni:photo", args=[entry.pk])
    assert photo_url in client.get(reverse("alumni:entry", args=[entry.pk])).content.decode()
    response = client.get(photo_url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"

    DirectoryEntry.objects.filter(pk=entry.pk).update(show_photo=False)
    assert photo_url not in client.get(reverse("alumni:entry", args=[entry.pk])).content.decode()
    assert photo_url not in client.get(reverse("alumni:directory_json")).content.decode()
    assert client.get(photo_url).status_code == 404


def test_alumni_who_did_not_opt_in_are_not_listed_and_their_entry_is_not_found(client):
    hidden = make_entry("quiet@example.org", listed=False)
    owner = hidden.membership.user
    client.force_login(AlumnusFactory(email="viewer@example.org"))
    assert "Quiet" not in results_html(client.get(reverse("alumni:directory")))
    assert json.loads(client.get(reverse("alumni:directory_json")).content)["count"] == 0
    assert client.get(reverse("alumni:entry", args=[hidden.pk])).status_code == 404
    assert client.get(reverse("alumni:contact", args=[hidden.pk])).status_code == 404

    client.force_login(owner)  # the owner previews their own hidden entry
    page = client.get(reverse("alumni:entry", args=[hidden.pk]))
    assert page.status_code == 200 and "Only you can see this page" in page.content.decode()


def test_a_new_alumnus_is_not_listed_until_they_opt_in(client):
    alumnus = AlumnusFactory(email="new@example.org", profile__name_latin="Newly Admitted")
    client.force_login(alumnus)
    assert "Newly Admitted" not in results_html(client.get(reverse("alumni:directory")))
    entry = DirectoryEntry.objects.get(membership__user=alumnus)
    assert entry.listed is False


def test_filters_by_country_specialty_and_language_only_match_what_people_show(client):
    mongolian = make_entry("bat@example.org", country="MN", specialty="cardiology")
    DirectoryLanguage.objects.create(entry=mongolian, language="ru")
    kazakh = make_entry("aigerim@example.org", country="KZ", specialty="oncology")
    secretive = make_entry(
        "secret@example.org",
        country="MN",
        specialty="cardiology",
        show_country=False,
        show_specialty=False,
        show_languages=False,
    )
    DirectoryLanguage.objects.create(entry=secretive, language="ru")
    client.force_login(AlumnusFactory(email="viewer@example.org"))

    def names(**params):
        data = json.loads(client.get(reverse("alumni:directory_json"), params).content)
        return sorted(card["name"] for card in data["results"])

    assert names(country="MN") == ["Bat"]
    assert names(specialty="oncology") == ["Aigerim"]
    assert names(specialty="cardiology") == ["Bat"]
    assert names(language="ru") == ["Bat"]
    assert names(q="aig") == ["Aigerim"]
    assert names() == ["Aigerim", "Bat", "Secret"]
    # The country menu offers only countries someone shows.
    html = client.get(reverse("alumni:directory")).content.decode()
    assert '<option value="KZ">' in html and '<option value="MN">' in html
    assert kazakh.pk and mongolian.pk


def test_the_directory_costs_the_same_queries_for_3_or_15_alumni(client):
    viewer = AlumnusFactory(email="viewer@example.org")
    client.force_login(viewer)

    def queries():
        with CaptureQueriesContext(connection) as context:
            assert client.get(reverse("alumni:directory")).status_code == 200
        json_count = len(context)
        with CaptureQueriesContext(connection) as context:
            client.get(reverse("alumni:directory_json"), {"language": "ru"})
        return json_count, len(context)

    for n in range(3):
        DirectoryLanguage.objects.create(entry=with_photo(make_entry(f"a{n}@example.org")), language="ru")
    queries()  # warm the per-process caches (site, content types)
    few = queries()
    for n in range(3, 15):
        DirectoryLanguage.objects.create(entry=with_photo(make_entry(f"a{n}@example.org")), language="ru")
    assert queries() == few


def test_an_alumnus_opts_in_with_a_photo_and_chooses_what_to_show(client):
    alumnus = AlumnusFactory(email="me@example.org", profile__institution="Hospital-MARKER-INST")
    client.force_login(alumnus)
    response = client.post(
        reverse("alumni:my_entry"),
        {
            "listed": "on",
            "accepts_messages": "on",
            "show_city": "on",
            "show_photo": "on",
            "show_languages": "on",
            "city": "Bukhara",
            "bio": "Not shown",
            "languages": ["uz", "ru"],
            "photo": SimpleUploadedFile("me.png", png_bytes((2000, 1000)), content_type="image/png"),
        },
    )
    entry = DirectoryEntry.objects.get(membership__user=alumnus)
    assert response.status_code == 302
    assert entry.listed and entry.city == "Bukhara"
    assert sorted(entry.languages.values_list("language", flat=True)) == ["ru", "uz"]
    with Image.open(entry.photo.open("rb")) as stored:
        assert stored.format == "JPEG" and max(stored.size) == 480  # re-encoded small, without EXIF

    client.force_login(AlumnusFactory(email="viewer@example.org"))
    page = client.get(reverse("alumni:entry", args=[entry.pk])).content.decode()
    assert "Bukhara" in page and "Uzbek" in page
    assert "Not shown" not in page and "Hospital-MARKER-INST" not in page


def test_languages_are_tick_boxes_with_the_network_first_and_a_kept_regional_choice(client):
    entry = make_entry("me@example.org")
    DirectoryLanguage.objects.create(entry=entry, language="en-gb")
    client.force_login(entry.membership.user)
    html = client.get(reverse("alumni:my_entry")).content.decode()

    assert "Hold Ctrl" not in html and "<select multiple" not in html
    assert html.count('type="checkbox" name="languages"') > 80
    common, others = html.split("Other languages", 1)
    assert 'value="uz"' in common and 'value="mn"' in common and 'value="af"' not in common
    assert 'value="af"' in others
    # Regional variants are not offered, except one the alumnus already chose (kept ticked).
    assert 'value="es-mx"' not in html
    assert re.search(r'value="en-gb"[^>]*checked', others)
    # The first group is unfolded; "Other languages" too, because it holds a tick.
    assert re.findall(r'<details class="grouped-checkboxes__group"( open)?>', html) == [" open", " open"]

    response = client.post(
        reverse("alumni:my_entry"), {"listed": "on", "languages": ["en-gb", "mn"], "city": "", "bio": ""}
    )
    assert response.status_code == 302
    assert sorted(entry.languages.values_list("language", flat=True)) == ["en-gb", "mn"]

    client.post(reverse("alumni:my_entry"), {"listed": "on", "languages": ["mn"], "city": "", "bio": ""})
    html = client.get(reverse("alumni:my_entry")).content.decode()
    assert re.findall(r'<details class="grouped-checkboxes__group"( open)?>', html) == [" open", ""]
    assert 'value="en-gb"' not in html  # once given up, the variant is no longer offered


def test_language_names_are_in_the_readers_language(client):
    entry = make_entry("listed@example.org", listed=True, show_languages=True)
    DirectoryLanguage.objects.create(entry=entry, language="mn")
    client.force_login(AlumnusFactory(email="viewer@example.org", profile__preferred_language="ru"))

    page = client.get(reverse("alumni:entry", args=[entry.pk])).content.decode()
    filters = client.get(reverse("alumni:directory")).content.decode()

    assert "Монгольский" in page and "Mongolian" not in page
    assert '<option value="mn">Монгольский</option>' in filters


@pytest.mark.parametrize(
    "upload, message",
    [
        (SimpleUploadedFile("cv.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg"), "not a photo we can read"),
        (SimpleUploadedFile("anim.gif", b"GIF89a" + b"\0" * 20, content_type="image/gif"), "not a photo we can read"),
        (
            SimpleUploadedFile("huge.png", b"\x89PNG" + b"0" * (3 * 1024 * 1024 + 1), content_type="image/png"),
            "too large",
        ),
    ],
)
def test_a_wrong_photo_file_gets_a_clear_message_and_nothing_else_is_lost(client, upload, message):
    alumnus = AlumnusFactory(email="me@example.org")
    client.force_login(alumnus)
    response = client.post(reverse("alumni:my_entry"), {"listed": "on", "city": "Samarkand", "photo": upload})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'value="Samarkand"' in html  # what was typed is still in the form
    assert not DirectoryEntry.objects.get(membership__user=alumnus).listed


def test_the_contact_form_hides_both_addresses_unless_the_sender_shares_theirs(client):
    recipient = make_entry("recipient-secret@example.org")
    sender = make_entry("sender-secret@example.org").membership.user
    client.force_login(sender)
    url = reverse("alumni:contact", args=[recipient.pk])
    form_page = client.get(url).content.decode()
    entry_page = client.get(reverse("alumni:entry", args=[recipient.pk])).content.decode()
    assert "recipient-secret@example.org" not in form_page + entry_page

    response = client.post(url, {"text": "Shall we meet at the congress?"}, follow=True)
    assert "recipient-secret@example.org" not in response.content.decode()
    message = mail.outbox[-1]
    assert message.to == ["recipient-secret@example.org"]
    assert "Shall we meet at the congress?" in message.body
    assert "Sender-Secret" in message.body  # the sender's name
    assert reverse("alumni:entry", args=[DirectoryEntry.objects.get(membership__user=sender).pk]) in message.body
    assert "sender-secret@example.org" not in message.body + str(message.message())
    assert message.reply_to == []

    client.post(url, {"text": "Here is my address", "share_email": "on"})
    shared = mail.outbox[-1]
    assert "sender-secret@example.org" in shared.body and shared.reply_to == ["sender-secret@example.org"]


def test_alumni_who_refuse_messages_or_hid_themselves_cannot_be_contacted(client):
    no_messages = make_entry("busy@example.org", accepts_messages=False)
    client.force_login(AlumnusFactory(email="viewer@example.org"))
    page = client.get(reverse("alumni:entry", args=[no_messages.pk])).content.decode()
    assert reverse("alumni:contact", args=[no_messages.pk]) not in page
    assert client.post(reverse("alumni:contact", args=[no_messages.pk]), {"text": "hi"}).status_code == 404
    assert mail.outbox == []


def test_contact_messages_are_rate_limited(client, settings, monkeypatch):
    from django.core.cache import cache

    cache.clear()
    # Ten a day rather than the real ten an hour: django-ratelimit counts in fixed windows, and a
    # day-long one cannot roll over while the test runs.
    monkeypatch.setattr("alumni.views.CONTACT_RATE", "10/d")
    recipient = make_entry("popular@example.org")
    client.force_login(AlumnusFactory(email="eager@example.org"))
    url = reverse("alumni:contact", args=[recipient.pk])
    statuses = [client.post(url, {"text": f"Message {n}"}).status_code for n in range(12)]
    assert statuses[:10] == [302] * 10
    assert statuses[10:] == [429, 429]
    assert len(mail.outbox) == 10
    cache.clear()


def test_non_alumni_see_how_to_join_and_no_directory_data(client):
    make_entry("listed@example.org")
    names = ("alumni:home", "alumni:directory", "alumni:directory_json")
    for name in names:
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    client.force_login(TraineeFactory(email="learner@example.org"))
    for name in names:
        response = client.get(reverse(name))
        html = response.content.decode()
        assert response.status_code == 403
        assert "Listed" not in html and "Hospital-MARKER-INST" not in html
    assert "How to become an alumnus" in client.get(reverse("alumni:directory")).content.decode()


def test_the_chapter_link_appears_only_with_the_country():
    chapter = ChapterFactory(country="MN", slug="mongolia", name="Mongolia chapter")
    entry = make_entry("bat@example.org", country="MN", show_country=False)
    from alumni.directory import card

    entry.membership.chapter = chapter
    assert "chapter" not in card(entry) and "country" not in card(entry)


def test_an_alumnus_removes_their_photo(client):
    entry = with_photo(make_entry("face@example.org"))
    client.force_login(entry.membership.user)
    client.post(reverse("alumni:my_entry"), {"listed": "on", "show_photo": "on", "remove_photo": "on"})
    entry.refresh_from_db()
    assert not entry.photo
