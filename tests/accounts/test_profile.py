"""The trainee profile: what certificates print, and the gate before enrolling."""

import unicodedata
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from courses.models import CatalogPage, CoursePage, Enrollment, TrackPage
from lms.accounts.factories import TraineeFactory, UserFactory
from lms.accounts.forms import TraineeProfileForm
from lms.accounts.models import TraineeProfile, validate_latin_name
from lms.home.models import HomePage

PROFILE_URL = "/accounts/profile/"

COMPLETE = {
    "name_latin": "Aziz Karimov",
    "name_native": "Азиз Каримов",
    "country": "UZ",
    "specialty": "cardiology",
    "institution": "Tashkent Medical Academy",
    "licence_number": "",
    "preferred_language": "ru",
}

NOT_LATIN_MESSAGE = "Use Latin letters only, as printed on your passport."
BAD_CHARACTER_MESSAGE = "Only letters, spaces, hyphens, apostrophes and full stops are allowed."


@pytest.fixture
def user(db):
    return UserFactory(email="aziz@example.org")


@pytest.fixture
def user_client(client, user):
    client.force_login(user)
    return client


def test_the_profile_url_is_where_the_app_says():
    assert reverse("accounts:profile") == PROFILE_URL


# --- The page ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_profile_page_requires_login(client):
    response = client.get(PROFILE_URL)

    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == reverse("account_login")
    assert parse_qs(location.query)["next"] == [PROFILE_URL]

    client.post(PROFILE_URL, COMPLETE)
    assert not TraineeProfile.objects.exists()


@pytest.mark.django_db
def test_a_new_user_sees_an_empty_profile_form_asking_to_complete_it(user_client, user):
    response = user_client.get(PROFILE_URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Complete your profile to enroll" in html
    for name in (
        "name_latin",
        "name_native",
        "country",
        "specialty",
        "institution",
        "preferred_language",
    ):
        assert f'name="{name}"' in html
    assert not user.profile.is_complete


@pytest.mark.django_db
def test_saving_a_complete_profile_stores_it(user_client, user):
    response = user_client.post(PROFILE_URL, COMPLETE)

    assert response.status_code == 302
    assert response["Location"] == PROFILE_URL
    profile = TraineeProfile.objects.get(user=user)
    assert profile.name_latin == "Aziz Karimov"
    assert profile.name_native == "Азиз Каримов"
    assert profile.country.code == "UZ"
    assert profile.specialty == "cardiology"
    assert profile.institution == "Tashkent Medical Academy"
    assert profile.preferred_language == "ru"
    assert profile.is_complete

    page = user_client.get(PROFILE_URL)
    html = page.content.decode()
    assert "Your profile is saved." in html
    assert "Complete your profile to enroll" not in html
    assert 'value="Aziz Karimov"' in html


@pytest.mark.django_db
def test_extra_spaces_in_names_are_squeezed(user_client, user):
    user_client.post(
        PROFILE_URL,
        {**COMPLETE, "name_latin": "  Aziz   Karimov ", "name_native": " Азиз  Каримов"},
    )

    profile = TraineeProfile.objects.get(user=user)
    assert profile.name_latin == "Aziz Karimov"
    assert profile.name_native == "Азиз Каримов"


@pytest.mark.django_db
def test_saving_goes_to_next_when_it_is_on_this_site(user_client):
    response = user_client.post(PROFILE_URL, {**COMPLETE, "next": "/courses/cardiology/echo/"})

    assert response.status_code == 302
    assert response["Location"] == "/courses/cardiology/echo/"


@pytest.mark.django_db
def test_next_from_the_query_string_is_kept_in_the_form_and_followed(user_client):
    page = user_client.get(PROFILE_URL + "?next=/learn/")
    assert 'name="next" value="/learn/"' in page.content.decode()

    response = user_client.post(PROFILE_URL + "?next=/learn/", COMPLETE)
    assert response["Location"] == "/learn/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "https://evil.example/accounts/profile/"]
)
def test_an_off_site_next_is_ignored(user_client, user, target):
    page = user_client.get(PROFILE_URL, {"next": target})
    assert "evil.example" not in page.content.decode()

    response = user_client.post(PROFILE_URL, {**COMPLETE, "next": target})

    assert response.status_code == 302
    assert response["Location"] == PROFILE_URL
    assert TraineeProfile.objects.get(user=user).is_complete


# --- Names ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Aziz Karimov",
        "Nguyễn Văn Anh",
        "O'Neil-Smith",
        "José Müller",
        "Łukasz Żółć",
        "Dr. Ana María",
        "Gʻofurov Jasur",  # Uzbek Latin uses the ʻokina
    ],
)
def test_latin_names_with_diacritics_and_punctuation_are_accepted(name):
    validate_latin_name(name)  # no error


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Азиз Каримов", NOT_LATIN_MESSAGE),
        ("Aziz Каримов", NOT_LATIN_MESSAGE),
        ("فاطمة الزهراء", NOT_LATIN_MESSAGE),
        ("王伟", NOT_LATIN_MESSAGE),
        ("김민준", NOT_LATIN_MESSAGE),
        ("Aziz Karimov 2", BAD_CHARACTER_MESSAGE),
        ("Aziz_Karimov", BAD_CHARACTER_MESSAGE),
        ("Aziz@Karimov", BAD_CHARACTER_MESSAGE),
        ("---", "Enter your name in letters."),
    ],
)
def test_the_latin_name_rejects_other_scripts_and_digits_with_a_clear_message(name, message):
    with pytest.raises(ValidationError) as error:
        validate_latin_name(name)
    assert message in " ".join(error.value.messages)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["Азиз Каримов", "فاطمة الزهراء", "王伟", "Aziz Karimov 2"])
def test_the_profile_page_shows_why_a_latin_name_was_rejected(user_client, user, name):
    response = user_client.post(PROFILE_URL, {**COMPLETE, "name_latin": name})

    assert response.status_code == 200
    errors = response.context["form"].errors["name_latin"]
    assert errors
    html = response.content.decode()
    assert any(message in html for message in (NOT_LATIN_MESSAGE, BAD_CHARACTER_MESSAGE))
    profile = TraineeProfile.objects.get(user=user)
    assert profile.name_latin == ""
    assert not profile.is_complete


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["Nguyễn Văn Anh", "O'Neil-Smith"])
def test_the_profile_page_accepts_latin_names_with_diacritics(user_client, user, name):
    response = user_client.post(PROFILE_URL, {**COMPLETE, "name_latin": name})

    assert response.status_code == 302
    assert TraineeProfile.objects.get(user=user).name_latin == name


@pytest.mark.django_db
def test_a_latin_name_typed_with_combining_accents_is_accepted_and_stored_composed(
    user_client, user
):
    decomposed = unicodedata.normalize("NFD", "Nguyễn Văn Anh")
    assert decomposed != "Nguyễn Văn Anh"

    response = user_client.post(PROFILE_URL, {**COMPLETE, "name_latin": decomposed})

    assert response.status_code == 302, response.context["form"].errors
    # Stored composed, so certificates and searches see one spelling of the name.
    assert TraineeProfile.objects.get(user=user).name_latin == "Nguyễn Văn Anh"


@pytest.mark.django_db
@pytest.mark.parametrize("native", ["فاطمة الزهراء", "王伟", "김민준", "Азиз Каримов", ""])
def test_the_native_name_accepts_any_script(user_client, user, native):
    response = user_client.post(PROFILE_URL, {**COMPLETE, "name_native": native})

    assert response.status_code == 302
    profile = TraineeProfile.objects.get(user=user)
    assert profile.name_native == native
    assert profile.is_complete


@pytest.mark.django_db
def test_the_native_name_field_follows_the_text_direction(user_client):
    html = user_client.get(PROFILE_URL).content.decode()
    assert 'dir="auto"' in html


# --- Required fields ---------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "missing", ["name_latin", "country", "specialty", "institution", "preferred_language"]
)
def test_a_missing_required_field_is_an_error_and_nothing_is_complete(user_client, user, missing):
    response = user_client.post(PROFILE_URL, {**COMPLETE, missing: ""})

    assert response.status_code == 200
    assert missing in response.context["form"].errors
    profile = TraineeProfile.objects.get(user=user)
    assert not profile.is_complete
    assert profile.name_latin == ""  # nothing of the rejected form was stored


@pytest.mark.django_db
def test_an_empty_form_lists_every_required_field(user_client, user):
    # What a browser sends for an untouched form: every field, all empty.
    response = user_client.post(PROFILE_URL, {name: "" for name in COMPLETE})

    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {
        "name_latin",
        "country",
        "specialty",
        "institution",
    }
    assert not TraineeProfile.objects.get(user=user).is_complete


@pytest.mark.django_db
def test_a_blank_name_made_of_spaces_does_not_count(user_client, user):
    response = user_client.post(PROFILE_URL, {**COMPLETE, "name_latin": "   "})

    assert response.status_code == 200
    assert "name_latin" in response.context["form"].errors
    assert not TraineeProfile.objects.get(user=user).is_complete


@pytest.mark.django_db
def test_optional_fields_are_optional(user):
    form = TraineeProfileForm(
        {**COMPLETE, "name_native": "", "licence_number": ""}, instance=TraineeProfile(user=user)
    )
    assert form.is_valid(), form.errors


@pytest.mark.django_db
def test_an_unknown_country_specialty_or_language_is_rejected(user_client, user):
    response = user_client.post(
        PROFILE_URL,
        {**COMPLETE, "country": "XX", "specialty": "astrology", "preferred_language": "tlh"},
    )

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"country", "specialty", "preferred_language"}
    assert not TraineeProfile.objects.get(user=user).is_complete


# --- The enrollment gate -----------------------------------------------------------


@pytest.fixture
def basic_course(db):
    home = HomePage.objects.first()
    catalog = home.add_child(instance=CatalogPage(title="Courses", slug="courses"))
    track = catalog.add_child(
        instance=TrackPage(title="Cardiology", slug="cardiology", summary="Courses in cardiology.")
    )
    course = track.add_child(
        instance=CoursePage(
            title="Echocardiography basics",
            slug="echo-basics",
            summary="The standard views.",
            level="basic",
        )
    )
    course.refresh_from_db()
    assert course.live
    return course


@pytest.mark.django_db
def test_enrolling_with_an_incomplete_profile_leads_to_the_profile_and_back(client, basic_course):
    user = UserFactory(email="aziz@example.org")
    client.force_login(user)
    enroll_url = reverse("courses:enroll", args=[basic_course.pk])

    response = client.post(enroll_url)

    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == PROFILE_URL
    assert parse_qs(location.query)["next"] == [basic_course.url]
    assert not Enrollment.objects.exists()
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "Please complete your profile before you enroll." in html
    assert f'name="next" value="{basic_course.url}"' in html

    # Completing the profile returns to the course...
    response = client.post(response["Location"], COMPLETE)
    assert response.status_code == 302
    assert response["Location"] == basic_course.url
    assert TraineeProfile.objects.get(user=user).is_complete

    # ...and now the same click enrolls, once.
    response = client.post(enroll_url)
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path != PROFILE_URL
    client.post(enroll_url)
    assert Enrollment.objects.filter(user=user, course=basic_course).count() == 1
    assert Enrollment.objects.count() == 1


@pytest.mark.django_db
def test_a_half_filled_profile_still_blocks_enrollment(client, basic_course):
    user = UserFactory(email="aziz@example.org")
    TraineeProfile.objects.create(
        user=user, name_latin="Aziz Karimov", country="UZ"
    )  # no specialty etc.
    client.force_login(user)

    response = client.post(reverse("courses:enroll", args=[basic_course.pk]))

    assert urlsplit(response["Location"]).path == PROFILE_URL
    assert not Enrollment.objects.exists()


@pytest.mark.django_db
def test_a_trainee_with_a_complete_profile_enrolls_at_once(client, basic_course):
    trainee = TraineeFactory(email="anh@example.org")
    assert trainee.profile.is_complete
    client.force_login(trainee)

    response = client.post(reverse("courses:enroll", args=[basic_course.pk]))

    assert response.status_code == 302
    assert urlsplit(response["Location"]).path != PROFILE_URL
    assert Enrollment.objects.filter(user=trainee, course=basic_course).count() == 1


@pytest.mark.django_db
def test_after_the_first_login_a_new_trainee_is_sent_to_the_profile(client):
    UserFactory(email="aziz@example.org", password="correct-horse-battery")

    response = client.post(
        reverse("account_login"), {"login": "aziz@example.org", "password": "correct-horse-battery"}
    )

    location = urlsplit(response["Location"])
    assert location.path == PROFILE_URL
    assert parse_qs(location.query)["next"] == [reverse("courses:dashboard")]


@pytest.mark.django_db
def test_a_trainee_with_a_complete_profile_goes_to_the_dashboard_after_login(client):
    TraineeFactory(email="anh@example.org", password="correct-horse-battery")

    response = client.post(
        reverse("account_login"), {"login": "anh@example.org", "password": "correct-horse-battery"}
    )

    assert response["Location"] == reverse("courses:dashboard")
