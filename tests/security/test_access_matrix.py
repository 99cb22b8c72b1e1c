"""Who may open what: built from the URL configuration, so a new URL without a case fails.

Every route of ours (the admins and allauth's own pages aside) is classified below:

- PUBLIC: shows no user's object (or is public by design, like a certificate's verify page
  whose 128-bit code is the secret);
- LOGIN_ONLY: needs a login and acts only on the requester's own rows (their dashboard,
  their progress in a lesson); another trainee's ids in the URL must not reach the owner's data;
- OWN_OBJECT: names one user's object in the URL; the owner gets it, another trainee gets
  403/404 and changes nothing, an anonymous visitor gets the login page (401 for the JSON
  endpoints the page's script calls) or 404.
- SECRET_LINK: needs no login because the URL carries a secret (a signed unsubscribe token, a
  calendar feed's random token, a provider's webhook signature); a forged or guessed secret
  gets a 4xx and changes nothing, for an anonymous visitor and for another trainee alike.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from alumni import events as alumni_events
from alumni import newsletter
from lms.accounts.factories import StaffUserFactory

from .conftest import PASSWORD
from .world import OWNER_EMAIL, OWNER_NAME, build_world, owner_state

# Not ours to classify: the two admins (tests/security/test_admin_entries.py), allauth's pages,
# and media files served only with DEBUG.
SKIPPED_PREFIXES = ("admin/", "django-admin/", "^media/")
ALLAUTH_PREFIX, OUR_ACCOUNT_PREFIX = "accounts/", "accounts/profile/"


@dataclass
class Case:
    kwargs: Callable = lambda w: {}
    methods: tuple = ("get",)
    data: Callable = lambda w: {}
    json: bool = False  # answers 401 instead of redirecting to the login page
    owner_status: tuple = (200,)
    notes: str = ""
    extra: dict = field(default_factory=dict)
    # LOGIN_ONLY pages that show the owner's display name to others by design (why, in words);
    # the owner's e-mail address must still never appear.
    shows_owner_name: str = ""
    # OWN_OBJECT: methods staff may use on the site by design (they get < 400, not 403/404).
    staff_may: tuple = ()
    # SECRET_LINK: the URL kwargs with the real secret (opened once, anonymously: 200).
    genuine: Callable | None = None
    settings: dict = field(default_factory=dict)


def _answer(w, attempt):
    question = attempt.questions.get(position=1)
    return {"q1": question.options[-1]["id"]}


PUBLIC = {
    "certificates:lookup": "look-up by serial and surname, for third parties",
    "certificates:verify": "a certificate's public page; the unguessable code is the secret",
    "wagtail_serve": "pages; lesson pages check access in courses.views.lesson_access_gate",
    "wagtailcore_authenticate_with_password": "password-protected pages (no user object)",
    "_util/login/": "redirects to the allauth login",
    "wagtailcore_login": "Wagtail's front-end login, shadowed by the _util/login/ redirect",
    "wagtaildocs_serve": "documents; Wagtail checks collection privacy",
    "wagtaildocs_authenticate_with_password": "password-protected documents (no user object)",
    "set_language": "sets the requester's own language (cookie; their own profile if logged in)",
    "billing:set_currency": "stores the chosen currency in the requester's session only",
    "alumni_events:index": "redirects to the events page",
    "alumni_events:time_zone": "stores the display time zone in the requester's session only",
    "alumni_events:ics": "an event's calendar file; only for events whose page is public (else 404)",
    "alumni_events:questions": (
        "an event's Q&A fragment, the same list the public event page shows, askers' display "
        "names included (by the events app's design; hidden questions only to moderators)"
    ),
}

LOGIN_ONLY = {
    "courses:dashboard": Case(),
    "accounts:profile": Case(
        methods=("get", "post"),
        data=lambda w: {
            "name_latin": "Boris Other",
            "country": "KZ",
            "specialty": "cardiology",
            "institution": "Almaty Hospital",
            "preferred_language": "ru",
        },
    ),
    "accounts:personal_data": Case(),
    "accounts:download_personal_data": Case(),
    # Another trainee deleting their own account leaves the owner's data as it was.
    "accounts:delete_account": Case(methods=("get", "post"), data=lambda w: {"password": PASSWORD, "confirm": "on"}),
    "certificates:transcript": Case(),
    "certificates:transcript_pdf": Case(),
    "courses:enroll": Case(kwargs=lambda w: {"course_id": w.course.pk}, methods=("post",)),
    "courses:lesson_progress": Case(
        kwargs=lambda w: {"lesson_id": w.video_lesson.pk},
        methods=("post",),
        data=lambda w: {"position": 50, "watched": 50},
        json=True,
    ),
    "courses:lesson_done": Case(kwargs=lambda w: {"lesson_id": w.reading_lesson.pk}, methods=("post",)),
    "courses:lesson_video": Case(kwargs=lambda w: {"lesson_id": w.video_lesson.pk}),
    "courses:exam": Case(kwargs=lambda w: {"course_id": w.course.pk}, methods=("get", "post")),
    # --- Billing: the other trainee buys, lists and redeems for themselves only.
    "billing:checkout": Case(methods=("post",), data=lambda w: {"offer": f"{w.offer.pk}:USD"}),
    "billing:passes": Case(),
    "billing_account:orders": Case(),
    # The owner's used seat code is refused to anyone else ("already used"), and stays theirs.
    "billing_account:redeem": Case(methods=("get", "post"), data=lambda w: {"code": w.seat_code.code}),
    # --- Alumni: the other trainee is an alumnus of the owner's chapter, so the alumni gate
    # lets them in; the owner's directory entry is unlisted, so nothing of it may show.
    "alumni:home": Case(),
    "alumni:directory": Case(),
    "alumni:directory_json": Case(),
    "alumni:my_entry": Case(
        methods=("get", "post"),
        data=lambda w: {"listed": "on", "city": "Almaty", "bio": "Mine"},
    ),
    "alumni:hide_me": Case(methods=("post",)),
    "alumni:subscription": Case(methods=("post",), data=lambda w: {"subscribe": "0"}),
    "alumni:chapter": Case(
        kwargs=lambda w: {"slug": w.chapter.slug},
        shows_owner_name="a chapter page names its moderators and each news post's author, to alumni",
    ),
    # Only the chapter's moderators may post: the other alumnus gets 403 and posts nothing.
    "alumni:chapter_news_new": Case(
        kwargs=lambda w: {"slug": w.chapter.slug},
        methods=("get", "post"),
        data=lambda w: {"title": "Spam", "body": "Spam"},
    ),
    # --- Events: register and cancel name the event, and act on the requester's own seat only.
    "alumni_events:mine": Case(),
    "alumni_events:new": Case(methods=("get", "post"), data=lambda w: {"chapter": w.chapter.pk}),
    "alumni_events:regenerate_feed": Case(methods=("post",)),
    "alumni_events:register": Case(kwargs=lambda w: {"pk": w.event.pk}, methods=("post",)),
    "alumni_events:cancel": Case(kwargs=lambda w: {"pk": w.event.pk}, methods=("post",)),
    "alumni_events:ask": Case(kwargs=lambda w: {"pk": w.event.pk}, methods=("post",), data=lambda w: {"text": "Mine?"}),
    # A vote on the owner's question is the voter's own row (the owner's vote is untouched).
    "alumni_events:vote": Case(
        kwargs=lambda w: {"pk": w.question.pk}, methods=("post",), data=lambda w: {"vote": "remove"}
    ),
    # Answering and hiding are for the event's hosts and moderators: anyone else is sent back
    # to the event with an error message (302) and the owner's question stays as it was.
    "alumni_events:answer": Case(
        kwargs=lambda w: {"pk": w.question.pk}, methods=("post",), data=lambda w: {"answer": "No"}
    ),
    "alumni_events:hide": Case(kwargs=lambda w: {"pk": w.question.pk}, methods=("post",)),
}

OWN_OBJECT = {
    "courses:attempt": Case(
        kwargs=lambda w: {"attempt_id": w.open_attempt.pk},
        methods=("get", "post"),
        data=lambda w: {**_answer(w, w.open_attempt), "submit": "1"},
    ),
    "courses:attempt_autosave": Case(
        kwargs=lambda w: {"attempt_id": w.open_attempt.pk},
        methods=("post",),
        data=lambda w: _answer(w, w.open_attempt),
        json=True,
    ),
    "courses:attempt_result": Case(kwargs=lambda w: {"attempt_id": w.graded_attempt.pk}),
    # Support staff may fetch a trainee's certificate PDF.
    "certificates:download": Case(kwargs=lambda w: {"code": w.certificate.public_code}, staff_may=("get",)),
    "certificates:request_correction": Case(
        kwargs=lambda w: {"code": w.certificate.public_code},
        methods=("get", "post"),
        data=lambda w: {"name_latin": "Boris Other", "reason": "It is mine now"},
    ),
    # --- Billing: orders are addressed by their UUID reference, always with user=request.user.
    "billing:checkout_return": Case(kwargs=lambda w: {"reference": w.pending_order.reference}),
    "billing:order_status": Case(kwargs=lambda w: {"reference": w.pending_order.reference}),
    "billing:sandbox_checkout": Case(
        kwargs=lambda w: {"session": w.pending_order.provider_reference},
        methods=("get", "post"),
        data=lambda w: {"action": "pay"},
    ),
    "billing:cancel_pass": Case(kwargs=lambda w: {"subscription_id": w.subscription.pk}, methods=("post",)),
    "billing_account:receipt": Case(kwargs=lambda w: {"reference": w.paid_order.reference}),
    # --- Alumni directory: the owner's entry is unlisted, as every entry is until its owner
    # opts in. A listed entry is shown to alumni by design (each field only if its owner
    # says so; tests/alumni/test_privacy.py); an unlisted one is the owner's alone.
    "alumni:entry": Case(kwargs=lambda w: {"pk": w.entry.pk}),
    "alumni:photo": Case(kwargs=lambda w: {"pk": w.entry.pk}),
    "alumni:contact": Case(
        kwargs=lambda w: {"pk": w.entry.pk},
        methods=("get", "post"),
        data=lambda w: {"text": "Hello from Boris"},
        owner_status=(404,),  # nobody writes to themselves
    ),
    # The owner's news post, as its chapter's moderator; staff moderate every chapter.
    "alumni:chapter_news_edit": Case(
        kwargs=lambda w: {"slug": w.chapter.slug, "pk": w.news_post.pk},
        methods=("get", "post"),
        data=lambda w: {"title": "Hacked", "body": "Hacked"},
        staff_may=("get", "post"),
    ),
    "alumni:chapter_news_delete": Case(
        kwargs=lambda w: {"slug": w.chapter.slug, "pk": w.news_post.pk},
        methods=("get", "post"),
        staff_may=("get", "post"),
    ),
    # The QR code on the owner's ticket: only the people running the event (staff, hosts,
    # chapter moderators) may check them in; the owner themselves and other trainees get 403.
    "alumni_events:check_in": Case(
        kwargs=lambda w: {"token": alumni_events.check_in_token(w.registration)},
        methods=("get", "post"),
        owner_status=(403,),
        staff_may=("get", "post"),
    ),
}

# Forged secrets: the real ones are tested in each app (tests/alumni, tests/billing).
SECRET_LINK = {
    # The signed link in every newsletter (RFC 8058 one-click): here signed with the wrong salt.
    "alumni:unsubscribe": Case(
        kwargs=lambda w: {"token": signing.dumps(w.owner.pk, salt="not-the-unsubscribe-salt")},
        methods=("get", "post"),
        genuine=lambda w: {"token": newsletter.unsubscribe_token(w.owner)},
    ),
    # The owner's calendar subscription address (a random token); here a guess.
    "alumni_events:feed": Case(
        kwargs=lambda w: {"token": "A" * len(w.feed.token)},
        genuine=lambda w: {"token": w.feed.token},
    ),
    # A "paid" event for the owner's pending order with a forged Stripe signature.
    "billing:webhook": Case(
        kwargs=lambda w: {"provider": "stripe"},
        methods=("post",),
        json=True,
        data=lambda w: {
            "id": "evt_forged",
            "type": "checkout.session.completed",
            "data": {
                "object": {
                    "id": w.pending_order.provider_reference,
                    "payment_status": "paid",
                    "metadata": {"order": str(w.pending_order.reference)},
                }
            },
        },
        settings={"STRIPE_SECRET_KEY": "sk_test_matrix", "STRIPE_WEBHOOK_SECRET": "whsec_matrix"},
    ),
}


def our_routes():
    """(key, route) for every URL pattern of ours; the key is the URL name, or the route."""

    def walk(resolver, prefix, namespace):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                yield from walk(pattern, prefix + str(pattern.pattern), inner)
            else:
                route = prefix + str(pattern.pattern)
                name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
                yield name or route, route

    for key, route in walk(get_resolver(), "", ""):
        if route.startswith(SKIPPED_PREFIXES):
            continue
        if route.startswith(ALLAUTH_PREFIX) and not route.startswith(OUR_ACCOUNT_PREFIX):
            continue
        yield key, route


def test_every_url_is_classified():
    classified = set(PUBLIC) | set(LOGIN_ONLY) | set(OWN_OBJECT) | set(SECRET_LINK)
    groups = (PUBLIC, LOGIN_ONLY, OWN_OBJECT, SECRET_LINK)
    twice = {key for key in classified if sum(key in group for group in groups) > 1}
    assert not twice, f"Classified twice: {sorted(twice)}"
    missing = sorted({f"{key} ({route})" for key, route in our_routes() if key not in classified})
    assert not missing, (
        "These URLs have no access case in tests/security/test_access_matrix.py: "
        f"{missing}. Add each to PUBLIC, LOGIN_ONLY, OWN_OBJECT or SECRET_LINK (with a case)."
    )
    stale = classified - {key for key, _route in our_routes()}
    assert not stale, f"Cases for URLs that no longer exist: {sorted(stale)}"


@pytest.fixture
def world(db):
    return build_world()


def _request(client, method, url, data):
    return getattr(client, method)(url, data) if method == "post" else client.get(url)


def _text(response):
    body = b"".join(response) if response.streaming else response.content
    return body.decode(errors="ignore")


def _assert_sent_to_login(response, case, url):
    if case.json:
        assert response.status_code in (401, 404), url
    elif response.status_code != 404:
        assert response.status_code == 302, (url, response.status_code)
        assert urlsplit(response["Location"]).path == reverse("account_login"), url


@pytest.mark.parametrize("name", sorted(OWN_OBJECT))
def test_another_trainee_gets_nothing_of_the_owners_object(name, world, client):
    case = OWN_OBJECT[name]
    url = reverse(name, kwargs=case.kwargs(world))
    before = owner_state(world.owner)

    client.force_login(world.other)
    for method in case.methods:
        response = _request(client, method, url, case.data(world))
        assert response.status_code in (403, 404), (method, url, response.status_code)
        assert OWNER_NAME not in response.content.decode(errors="ignore")
    assert owner_state(world.owner) == before

    anonymous = Client()
    for method in case.methods:
        _assert_sent_to_login(_request(anonymous, method, url, case.data(world)), case, url)
    assert owner_state(world.owner) == before

    owner = Client()
    owner.force_login(world.owner)
    if "get" in case.methods:
        assert owner.get(url).status_code in case.owner_status, url


@pytest.mark.parametrize("name", sorted(OWN_OBJECT))
def test_staff_are_not_handed_trainees_objects_by_accident(name, world, client):
    """Staff see trainees' records in the admin; on the site, only certificate PDFs are shared."""
    case = OWN_OBJECT[name]
    url = reverse(name, kwargs=case.kwargs(world))
    before = owner_state(world.owner)
    client.force_login(StaffUserFactory(email="editor@mka.example", is_superuser=True))

    for method in case.methods:
        response = _request(client, method, url, case.data(world))
        if method in case.staff_may:
            assert response.status_code < 400, (method, url, response.status_code)
        else:
            assert response.status_code in (403, 404), (method, url, response.status_code)
    if "post" not in case.staff_may:
        assert owner_state(world.owner) == before


@pytest.mark.parametrize("name", sorted(LOGIN_ONLY))
def test_login_only_urls_never_reach_the_owners_data(name, world, client):
    case = LOGIN_ONLY[name]
    url = reverse(name, kwargs=case.kwargs(world))
    before = owner_state(world.owner)

    for method in case.methods:
        _assert_sent_to_login(_request(Client(), method, url, case.data(world)), case, url)

    client.force_login(world.other)
    for method in case.methods:
        response = _request(client, method, url, case.data(world))
        assert response.status_code < 500, (method, url)
        text = _text(response)
        assert OWNER_EMAIL not in text, (method, url)
        assert case.shows_owner_name or OWNER_NAME not in text, (method, url)
    assert owner_state(world.owner) == before


@pytest.mark.parametrize("name", sorted(SECRET_LINK))
def test_a_forged_secret_link_reaches_nothing(name, world, client, settings):
    case = SECRET_LINK[name]
    for setting, value in case.settings.items():
        setattr(settings, setting, value)
    url = reverse(name, kwargs=case.kwargs(world))
    before = owner_state(world.owner)
    client.force_login(world.other)

    for requester in (Client(), client):
        for method in case.methods:
            if case.json:
                data = json.dumps(case.data(world))
                response = requester.post(
                    url, data, content_type="application/json", HTTP_STRIPE_SIGNATURE="t=1,v1=forged"
                )
            else:
                response = _request(requester, method, url, case.data(world))
            assert 400 <= response.status_code < 500, (method, url, response.status_code)
            text = _text(response)
            assert OWNER_NAME not in text and OWNER_EMAIL not in text, (method, url)
    assert owner_state(world.owner) == before

    if case.genuine:  # the real secret works, with no login: the matrix tests the right thing
        assert Client().get(reverse(name, kwargs=case.genuine(world))).status_code == 200
