"""Hostile and malformed input to the billing and alumni forms and endpoints: never a server
error, and a refused request writes nothing (issue 8, for the apps added after test_fuzz)."""

import hashlib
import hmac
import io
import json
import time

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse
from hypothesis import example, given
from hypothesis import strategies as st
from PIL import Image

from alumni import events as alumni_events
from alumni import newsletter
from alumni.factories import DirectoryEntryFactory
from alumni.models import (
    AlumniMembership,
    ChapterNewsPost,
    ContactMessage,
    DirectoryEntry,
    DirectoryLanguage,
    EventPage,
    Registration,
)
from alumni.models import Question as EventQuestion
from billing.models import Currency, Order, SeatCode, Subscription, WebhookEvent
from lms.accounts.factories import StaffUserFactory

from .test_fuzz import form_data, hostile, json_values, ok, value
from .world import build_world, owner_state

WEBHOOK_SECRET = "whsec_fuzz"


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def owner(client, world):
    client.force_login(world.owner)
    return client


def local(response):
    """A redirect stays on the site: never an open redirect from a hostile "next"."""
    if response.status_code in (301, 302):
        assert not response["Location"].startswith(("//", "http", "\\", "/\\")), response["Location"]
    return response


def with_field(name, strategy):
    """form_data, but ``name`` is drawn from ``strategy`` (near-valid values reach the services)."""
    return st.tuples(form_data([]), strategy).map(lambda pair: {**pair[0], name: pair[1]})


# --- Billing ---------------------------------------------------------------------------------


offer_field = st.one_of(
    hostile,
    st.tuples(
        st.sampled_from(["OFFER", "PENDING"]), st.sampled_from(["", ":", *(f":{c}" for c in Currency.values)])
    ).map("".join),
    st.tuples(st.sampled_from(["OFFER", "PENDING"]), hostile).map(lambda pair: f"{pair[0]}:{pair[1]}"),
)


@given(
    data=st.tuples(form_data(["currency", "coupon", "next"]), offer_field).map(
        lambda pair: {**pair[0], "offer": pair[1]}
    )
)
@example(data={"offer": "OFFER", "coupon": "\x00"})
def test_checkout_start(owner, world, data):
    pending_offer = world.pending_order.lines.first().offer
    data["offer"] = data["offer"].replace("OFFER", str(world.offer.pk)).replace("PENDING", str(pending_offer.pk))
    before = owner_state(world.owner)
    response = local(ok(owner.post(reverse("billing:checkout"), data)))
    if not response.get("Location", "").startswith("/billing/sandbox/checkout/"):
        after = owner_state(world.owner)
        assert after["orders"] == before["orders"]
        assert after["entitlements"] == before["entitlements"]
    assert Order.objects.filter(user=world.owner, status="pending").count() <= 1


@given(data=form_data(["currency", "next"]))
def test_set_currency(owner, world, data):
    local(ok(owner.post(reverse("billing:set_currency"), data)))
    assert owner.session.get("billing_currency") in (None, *Currency.values)


@given(data=with_field("code", st.one_of(hostile, st.sampled_from(["SEAT", " seat ", "SEAT-X", "seat"]))))
@example(data={"code": "SEAT\x00"})
def test_seat_code_redeem(owner, world, settings, data):
    settings.SEAT_REDEEM_RATE = "10000/m"
    code = world.seat_code.code
    if isinstance(data["code"], str):
        data["code"] = data["code"].replace("SEAT", code).replace("seat", code.lower())
    before, codes = owner_state(world.owner), list(SeatCode.objects.order_by("pk").values())
    response = local(ok(owner.post(reverse("billing_account:redeem"), data)))
    if response.status_code != 302:
        assert owner_state(world.owner) == before
        assert list(SeatCode.objects.order_by("pk").values()) == codes


@given(data=with_field("action", st.one_of(hostile, st.sampled_from(["pay", "decline"]))), session=hostile)
@example(data={"action": "pay"}, session="\x00")  # found by CI's PostgreSQL pass
def test_sandbox_checkout_pay_or_decline(owner, world, data, session):
    before = owner_state(world.owner)
    url = reverse("billing:sandbox_checkout", args=[world.pending_order.provider_reference])
    response = ok(owner.post(url, data))
    if data.get("action") not in ("pay", "decline"):
        assert owner_state(world.owner) == before
    else:
        assert response.status_code == 302
    # A hostile session reference finds no order.
    session = session.replace("/", "").strip() or "x"
    try:
        url = reverse("billing:sandbox_checkout", args=[session])
    except NoReverseMatch:
        return
    before = owner_state(world.owner)
    ok(owner.post(url, data))
    assert owner_state(world.owner) == before


def _signature(body, secret, timestamp):
    return f"t={timestamp},v1=" + hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


signatures = st.one_of(
    st.none(),
    hostile,
    st.tuples(st.integers(), st.text(alphabet="0123456789abcdef", max_size=64)).map(lambda p: f"t={p[0]},v1={p[1]}"),
    st.just("SIGNED_WITH_WRONG_SECRET"),
    st.just("SIGNED_LONG_AGO"),
)
bodies = st.one_of(st.binary(max_size=500), json_values.map(lambda v: json.dumps(v).encode()))


@given(body=bodies, signature=signatures)
def test_webhook_with_random_bodies_and_signatures(client, world, settings, body, signature):
    settings.STRIPE_SECRET_KEY = "sk_test_fuzz"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    if signature == "SIGNED_WITH_WRONG_SECRET":
        signature = _signature(body, "whsec_other", int(time.time()))
    elif signature == "SIGNED_LONG_AGO":
        signature = _signature(body, WEBHOOK_SECRET, int(time.time()) - 3600)
    headers = {} if signature is None else {"HTTP_STRIPE_SIGNATURE": signature}
    events, orders = WebhookEvent.objects.count(), list(Order.objects.order_by("pk").values())
    for provider in ("stripe", "sandbox"):
        response = ok(
            client.post(reverse("billing:webhook", args=[provider]), body, content_type="application/json", **headers)
        )
        assert response.status_code == 400, response.status_code
    assert WebhookEvent.objects.count() == events
    assert list(Order.objects.order_by("pk").values()) == orders


@given(body=json_values)
def test_signed_webhooks_of_any_shape(client, world, settings, body):
    """Even a correctly signed body of an unexpected shape is no server error."""
    settings.STRIPE_SECRET_KEY = "sk_test_fuzz"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    payload = json.dumps(body).encode()
    orders = list(Order.objects.filter(user=world.owner).order_by("pk").values())
    ok(
        client.post(
            reverse("billing:webhook", args=["stripe"]),
            payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=_signature(payload, WEBHOOK_SECRET, int(time.time())),
        )
    )
    assert list(Order.objects.filter(user=world.owner).order_by("pk").values()) == orders


@given(data=form_data(["csrfmiddlewaretoken", "next"]))
def test_cancel_pass(owner, world, data):
    before = owner_state(world.owner)
    local(ok(owner.post(reverse("billing:cancel_pass", args=[world.subscription.pk]), data)))
    after = owner_state(world.owner)
    assert after["orders"] == before["orders"] and after["entitlements"] == before["entitlements"]
    # Someone else's pass (or none) is a 404, never a change.
    other = Subscription.objects.exclude(user=world.owner).values_list("pk", flat=True).first() or 999_999
    assert ok(owner.post(reverse("billing:cancel_pass", args=[other]), data)).status_code == 404


# --- Alumni: directory, contact, newsletter, chapter news -----------------------------------


def _image(kind):
    buffer = io.BytesIO()
    Image.new("RGB", (12, 12), "teal").save(buffer, kind)
    return buffer.getvalue()


photos = st.one_of(
    st.none(),
    st.tuples(st.binary(max_size=2000), hostile, st.sampled_from(["image/jpeg", "image/png", "text/html", ""])),
    st.tuples(
        st.sampled_from(["JPEG", "PNG", "GIF", "BMP"]).map(_image),
        st.sampled_from(["me.jpg", "me.png", "me.html", "me", "../../me.jpg"]),
        st.sampled_from(["image/jpeg", "image/png", "application/octet-stream"]),
    ),
    # A real image with its bytes cut short.
    st.tuples(
        st.sampled_from(["JPEG", "PNG"]).map(lambda k: _image(k)[:60]), st.just("cut.jpg"), st.just("image/jpeg")
    ),
)

ENTRY_FIELDS = [
    "listed",
    "accepts_messages",
    "show_institution",
    "show_specialty",
    "show_country",
    "show_city",
    "show_languages",
    "show_bio",
    "show_photo",
    "city",
    "bio",
    "remove_photo",
]
languages = st.one_of(value, st.lists(st.sampled_from(["en", "ru", "uz", "ar", "ko", "xx", "", "EN"]), max_size=4))


def _entry_state(world):
    return (
        list(DirectoryEntry.objects.filter(pk=world.entry.pk).values()),
        sorted(DirectoryLanguage.objects.filter(entry=world.entry).values_list("language", flat=True)),
    )


@given(data=form_data(ENTRY_FIELDS), langs=languages, photo=photos)
def test_my_directory_entry_form(owner, world, data, langs, photo):
    data["languages"] = langs
    if photo is not None:
        content, name, content_type = photo
        name = name.replace("\x00", "").replace("/", "")[:100] or "x"
        data["photo"] = SimpleUploadedFile(name, content, content_type=content_type)
    before = _entry_state(world)
    response = local(ok(owner.post(reverse("alumni:my_entry"), data)))
    if response.status_code != 302:
        assert _entry_state(world) == before


@pytest.fixture
def contactable(world):
    membership = AlumniMembership.objects.get(user=world.other)
    return DirectoryEntryFactory(membership=membership, listed=True, accepts_messages=True)


@given(data=form_data(["text", "share_email"]))
def test_contact_form(owner, world, contactable, monkeypatch, data):
    monkeypatch.setattr("alumni.views.CONTACT_RATE", "10000/h")
    messages, sent = ContactMessage.objects.count(), len(mail.outbox)
    response = local(ok(owner.post(reverse("alumni:contact", args=[contactable.pk]), data)))
    if response.status_code != 302:
        assert ContactMessage.objects.count() == messages
        assert len(mail.outbox) == sent


@given(data=form_data(["listed", "next"]))
def test_hide_me(owner, world, data):
    assert local(ok(owner.post(reverse("alumni:hide_me"), data))).status_code == 302
    assert not DirectoryEntry.objects.get(pk=world.entry.pk).listed


@given(data=with_field("subscribe", st.one_of(hostile, st.sampled_from(["1", "0"]))))
def test_newsletter_subscription_toggle(owner, world, data):
    assert local(ok(owner.post(reverse("alumni:subscription"), data))).status_code == 302
    assert newsletter.is_subscribed(world.owner) == (data.get("subscribe") == "1")


@given(token=hostile, data=form_data(["List-Unsubscribe"]))
def test_unsubscribe_token(client, world, token, data):
    before = owner_state(world.owner)
    token = token.replace("/", "").strip() or "x"
    try:
        url = reverse("alumni:unsubscribe", args=[token])
    except NoReverseMatch:
        url = None
    if url:
        assert ok(client.post(url, data)).status_code == 400
        assert owner_state(world.owner) == before
    # The real link with a hostile body unsubscribes, and only its own person.
    real = reverse("alumni:unsubscribe", args=[newsletter.unsubscribe_token(world.other)])
    ok(client.post(real, data))
    assert owner_state(world.owner) == before


@given(data=form_data(["title", "body"]))
def test_chapter_news_new_and_edit(owner, world, data):
    before = list(ChapterNewsPost.objects.order_by("pk").values())
    response = local(ok(owner.post(reverse("alumni:chapter_news_new", args=[world.chapter.slug]), data)))
    if response.status_code != 302:
        assert list(ChapterNewsPost.objects.order_by("pk").values()) == before
    before = list(ChapterNewsPost.objects.order_by("pk").values())
    url = reverse("alumni:chapter_news_edit", args=[world.chapter.slug, world.news_post.pk])
    response = local(ok(owner.post(url, data)))
    if response.status_code != 302:
        assert list(ChapterNewsPost.objects.order_by("pk").values()) == before


# --- Alumni: events, time zone, Q&A, chapter events, check-in -------------------------------


@given(
    data=form_data(["csrfmiddlewaretoken", "status"]),
    steps=st.lists(st.sampled_from(["register", "cancel"]), max_size=3),
)
def test_event_register_and_cancel(owner, world, data, steps):
    for step in steps:
        local(ok(owner.post(reverse(f"alumni_events:{step}", args=[world.event.pk]), data)))
        assert Registration.objects.filter(user=world.owner, event=world.event).count() <= 1


ZONES = ["Asia/Seoul", "Asia/Tashkent", "America/", "Etc/GMT+99", "../../etc/passwd", "a\x00b/c", "/", "//", "UTC"]


@given(data=with_field("time_zone", st.one_of(hostile, st.sampled_from(ZONES))))
def test_time_zone_form(owner, world, data):
    local(ok(owner.post(reverse("alumni_events:time_zone"), data)))
    zone = owner.session.get(alumni_events.TIME_ZONE_SESSION_KEY)
    assert zone is None or alumni_events.valid_zone(zone) is not None


@pytest.fixture
def chapter_event(world):
    """The world's event belongs to the owner's chapter: the owner moderates it, the other takes part."""
    EventPage.objects.filter(pk=world.event.pk).update(chapter=world.chapter)
    world.event.refresh_from_db()
    return world.event


def _questions():
    return list(EventQuestion.objects.order_by("pk").values())


fetch_header = st.sampled_from([{}, {"HTTP_X_REQUESTED_WITH": "fetch"}])


@pytest.mark.parametrize("who", ["registrant", "moderator"])
@given(
    data=form_data(["text", "vote", "answer", "action"]),
    headers=fetch_header,
    action=st.sampled_from(["ask", "vote", "answer", "hide"]),
)
@example(data={"text": "\x00"}, headers={}, action="ask")  # found by the PostgreSQL pass
@example(data={"answer": "a\x00b"}, headers={}, action="answer")
def test_qna(client, world, chapter_event, who, data, headers, action):
    user = world.other if who == "registrant" else world.owner
    client.force_login(user)
    url = (
        reverse("alumni_events:ask", args=[chapter_event.pk])
        if action == "ask"
        else reverse(f"alumni_events:{action}", args=[world.question.pk])
    )
    before = _questions()
    response = ok(client.post(url, data, **headers))
    local(response)
    if response.status_code == 400 or (who == "registrant" and action in ("answer", "hide")):
        assert _questions() == before
    for question in EventQuestion.objects.all():
        assert question.text.strip()


DATETIMES = ["2031-05-04T18:30", "2031-05-04T20:00", "2031-05-01T12:00", "2001-01-01T00:00", "9999-12-31T23:59"]
EVENT_FIELDS = {
    "title": st.one_of(hostile, st.just("Case night")),
    "kind": st.one_of(hostile, st.sampled_from(["offline", "online", "hybrid"])),
    "summary": hostile,
    "time_zone": st.one_of(hostile, st.sampled_from(ZONES)),
    "starts_at": st.one_of(hostile, st.sampled_from(DATETIMES)),
    "ends_at": st.one_of(hostile, st.sampled_from(DATETIMES)),
    "venue": st.one_of(hostile, st.just("Hyatt Regency")),
    "city": hostile,
    "online_link": st.one_of(hostile, st.sampled_from(["https://meet.example.org/x", "javascript:alert(1)"])),
    "capacity": hostile,
    "registration_deadline": st.one_of(hostile, st.sampled_from(DATETIMES)),
    "description": hostile,
    "chapter": st.one_of(hostile, st.just("CHAPTER")),
}


@given(data=st.fixed_dictionaries({}, optional=EVENT_FIELDS))
def test_new_chapter_event_form(owner, world, data):
    if data.get("chapter") == "CHAPTER":
        data["chapter"] = str(world.chapter.pk)
    events = EventPage.objects.count()
    response = local(ok(owner.post(reverse("alumni_events:new"), data)))
    if response.status_code != 302:
        assert EventPage.objects.count() == events


@pytest.fixture
def staff_client(client, db):
    client.force_login(StaffUserFactory(is_superuser=True))
    return client


@given(token=hostile, data=form_data(["attended", "csrfmiddlewaretoken"]))
@example(token="\x00", data={})  # a NUL byte: PostgreSQL would refuse it in the lookup
def test_check_in_token(staff_client, world, token, data):
    registrations = list(Registration.objects.order_by("pk").values())
    token = token.replace("/", "").strip() or "x"
    try:
        url = reverse("alumni_events:check_in", args=[token])
    except NoReverseMatch:
        url = None
    if url:
        malformed = "\x00" in token  # refused as a malformed URL before the view (lms.security)
        assert ok(staff_client.post(url, data)).status_code == (400 if malformed else 404)
        assert list(Registration.objects.order_by("pk").values()) == registrations
    real = reverse("alumni_events:check_in", args=[alumni_events.check_in_token(world.registration)])
    assert ok(staff_client.post(real, data)).status_code == 302
    assert Registration.objects.get(pk=world.registration.pk).attended_at is not None
