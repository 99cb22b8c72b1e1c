"""Hostile and malformed input to every form and JSON endpoint: never a server error, and a
refused request writes nothing."""

import json

import pytest
from django.urls import NoReverseMatch, reverse
from hypothesis import given
from hypothesis import strategies as st

from certificates.models import NameCorrectionRequest
from courses.models import AttemptQuestion, LessonProgress
from lms.accounts.models import TraineeProfile, User

from .world import build_world, owner_state

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' OR 1=1 --",
    "'; DROP TABLE courses_enrollment; --",
    "\x00",
    "a\x00b",
    "../../../../etc/passwd",
    "{{ 7*7 }}",
    "{% debug %}",
    "%s%s%n",
    "NaN",
    "nan",
    "Infinity",
    "-Infinity",
    "1e309",
    "-1e309",
    "0x10",
    "١٢٣",
    "²",
    "q²",
    "9" * 400,
    "-1",
    "0",
    "",
    " ",
    "\u202e\u0644\u0627",
    "ﷺ" * 50,
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "\r\n\r\nSet-Cookie: x=1",
    "A" * 20_000,
]
safe_text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=200)
hostile = st.one_of(
    st.sampled_from(HOSTILE),
    safe_text,
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)
value = st.one_of(hostile, st.lists(hostile, max_size=3))


def form_data(fields):
    known = st.fixed_dictionaries({}, optional={name: value for name in fields})
    extra = st.dictionaries(safe_text.filter(bool), value, max_size=3)
    return st.tuples(known, extra).map(lambda pair: {**pair[1], **pair[0]})


json_values = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=False) | st.integers() | hostile,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(safe_text, children, max_size=4)
    ),
    max_leaves=10,
)


@pytest.fixture(scope="module")
def _module_db(django_db_setup, django_db_blocker):
    yield


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def owner(client, world):
    client.force_login(world.owner)
    return client


def ok(response):
    assert response.status_code < 500, response.status_code
    return response


# --- Accounts --------------------------------------------------------------------------


PROFILE_FIELDS = [
    "name_latin",
    "name_native",
    "country",
    "specialty",
    "institution",
    "licence_number",
    "preferred_language",
    "next",
]


@given(data=form_data(PROFILE_FIELDS))
def test_profile_form(owner, world, data):
    before = list(TraineeProfile.objects.filter(user=world.owner).values())
    response = ok(owner.post(reverse("accounts:profile"), data))
    if response.status_code != 302:
        assert list(TraineeProfile.objects.filter(user=world.owner).values()) == before
    else:
        assert TraineeProfile.objects.get(user=world.owner).is_complete
        assert not response["Location"].startswith(("//", "http")), response["Location"]


@given(data=form_data(["email", "password1", "password2"]))
def test_signup_form(client, db, data):
    users = User.objects.count()
    response = ok(client.post(reverse("account_signup"), data))
    if response.status_code != 302:
        assert User.objects.count() == users


@given(data=form_data(["login", "password", "remember", "next"]))
def test_login_form(client, world, data):
    ok(client.post(reverse("account_login"), data))
    assert "_auth_user_id" not in client.session


@given(data=form_data(["password", "confirm"]))
def test_delete_account_form(owner, world, data):
    before = owner_state(world.owner)
    ok(owner.post(reverse("accounts:delete_account"), data))
    if data.get("password") != "correct-horse-battery":
        assert owner_state(world.owner) == before


# --- Learning ----------------------------------------------------------------------------


@given(data=form_data(["position", "watched"]))
def test_progress_beacon(owner, world, data):
    before = list(
        LessonProgress.objects.filter(enrollment__user=world.owner).order_by("pk").values()
    )
    response = ok(
        owner.post(reverse("courses:lesson_progress", args=[world.video_lesson.pk]), data)
    )
    after = list(
        LessonProgress.objects.filter(enrollment__user=world.owner).order_by("pk").values()
    )
    if response.status_code != 200:
        assert after == before
    for old, new in zip(before, after, strict=True):
        assert new["furthest_position"] >= old["furthest_position"]
        assert new["seconds_watched"] >= old["seconds_watched"]
        assert new["furthest_position"] <= 100 and new["seconds_watched"] <= 100


@given(body=json_values)
def test_json_bodies_to_the_script_endpoints(owner, world, body):
    before = owner_state(world.owner)
    for url in (
        reverse("courses:lesson_progress", args=[world.video_lesson.pk]),
        reverse("courses:attempt_autosave", args=[world.open_attempt.pk]),
        reverse("courses:lesson_done", args=[world.reading_lesson.pk]),
        reverse("courses:enroll", args=[world.course.pk]),
    ):
        ok(owner.post(url, json.dumps(body), content_type="application/json"))
    after = owner_state(world.owner)
    # A JSON body carries no form fields: nothing but "last activity" may move.
    assert after["attempts"] == before["attempts"]
    assert after["certificates"] == before["certificates"]


@given(data=form_data(["csrfmiddlewaretoken"]))
def test_enroll_and_mark_done(owner, world, data):
    ok(owner.post(reverse("courses:enroll", args=[world.course.pk]), data))
    ok(owner.post(reverse("courses:lesson_done", args=[world.reading_lesson.pk]), data))


def _answer_keys():
    return st.one_of(
        st.sampled_from(
            ["q1", "q2", "q0", "q3", "q-1", "q²", "q١", "q" + "9" * 30, "q" + "9" * 5000, "submit"]
        ),
        safe_text,
    )


@given(data=st.dictionaries(_answer_keys(), value, max_size=5))
def test_exam_autosave(owner, world, data):
    before = list(
        AttemptQuestion.objects.filter(attempt=world.open_attempt).values_list(
            "selected_option_ids"
        )
    )
    response = ok(
        owner.post(reverse("courses:attempt_autosave", args=[world.open_attempt.pk]), data)
    )
    if response.status_code != 200:
        after = list(
            AttemptQuestion.objects.filter(attempt=world.open_attempt).values_list(
                "selected_option_ids"
            )
        )
        assert after == before
    for question in AttemptQuestion.objects.filter(attempt=world.open_attempt):
        valid = {option["id"] for option in question.options}
        assert set(question.selected_option_ids) <= valid


@given(data=st.dictionaries(_answer_keys(), value, max_size=5))
def test_exam_page_and_start(owner, world, data):
    ok(owner.post(reverse("courses:exam", args=[world.course.pk]), data))
    ok(owner.post(reverse("courses:attempt", args=[world.open_attempt.pk]), data))
    for question in AttemptQuestion.objects.filter(attempt__enrollment__user=world.owner):
        assert set(question.selected_option_ids) <= {option["id"] for option in question.options}


# --- Certificates ------------------------------------------------------------------------


@given(data=form_data(["serial", "surname"]))
def test_certificate_lookup(client, world, settings, data):
    settings.CERTIFICATE_LOOKUPS_RATE = "10000/m"
    ok(client.get(reverse("certificates:lookup"), data))


@given(code=hostile)
def test_certificate_urls_with_hostile_codes(owner, world, code):
    code = code.replace("/", "").strip() or "x"
    for name in ("certificates:verify", "certificates:download", "certificates:request_correction"):
        try:
            url = reverse(name, args=[code])
        except NoReverseMatch:
            url = None  # a code the URL pattern cannot hold is never a request
        if url:
            ok(owner.get(url))


@given(data=form_data(["name_latin", "name_native", "reason"]))
def test_name_correction_form(owner, world, data):
    requests = NameCorrectionRequest.objects.count()
    response = ok(
        owner.post(
            reverse("certificates:request_correction", args=[world.certificate.public_code]), data
        )
    )
    if response.status_code == 200:
        assert NameCorrectionRequest.objects.count() == requests
