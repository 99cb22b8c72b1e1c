import pytest

from courses.factories import CatalogPageFactory, CoursePageFactory, TrackPageFactory


@pytest.fixture
def catalog(db):
    catalog = CatalogPageFactory()
    cardiology = TrackPageFactory(parent=catalog, title="Cardiology", slug="cardiology")
    management = TrackPageFactory(parent=catalog, title="Hospital management", slug="management", kind="non-clinical")
    CoursePageFactory(parent=cardiology, title="Echocardiography basics", slug="echo", level="basic",
                      summary="Standard transthoracic views and measurements.", language="en")
    CoursePageFactory(parent=cardiology, title="Coronary interventions", slug="pci", level="advanced",
                      summary="Percutaneous coronary intervention step by step.", language="ru")
    CoursePageFactory(parent=management, title="Quality and patient safety", slug="quality", level="basic",
                      summary="Running a hospital quality programme.", language="en")
    draft = CoursePageFactory(parent=management, title="Unpublished draft course", slug="draft", level="basic")
    draft.unpublish()
    return catalog


def titles(response):
    return sorted(course.title for course in response.context["courses"])


def test_the_catalog_lists_published_courses_only(client, catalog):
    response = client.get(catalog.url)

    assert response.status_code == 200
    assert titles(response) == ["Coronary interventions", "Echocardiography basics", "Quality and patient safety"]
    assert "Unpublished draft course" not in response.content.decode()


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"track": "cardiology"}, ["Coronary interventions", "Echocardiography basics"]),
        ({"level": "advanced"}, ["Coronary interventions"]),
        ({"language": "ru"}, ["Coronary interventions"]),
        ({"track": "management", "level": "basic"}, ["Quality and patient safety"]),
        ({"q": "transthoracic"}, ["Echocardiography basics"]),
        ({"q": "hospital", "track": "cardiology"}, []),
    ],
)
def test_the_catalog_filters_and_searches(client, catalog, query, expected):
    assert titles(client.get(catalog.url, query)) == expected


def test_unknown_filter_values_are_ignored_not_errors(client, catalog):
    response = client.get(catalog.url, {"track": "nope", "level": "<script>", "language": "xx", "page": "999"})
    assert response.status_code == 200
    assert len(titles(response)) == 3
    assert "<script>" not in response.content.decode()


def test_the_catalog_shows_level_and_language_on_every_card(client, catalog):
    html = client.get(catalog.url).content.decode()
    assert "Free" in html and "Advanced" in html
    assert "Русский" in html


def test_an_anonymous_visitor_is_invited_to_sign_up_on_a_free_course(client, catalog):
    from courses.models import CoursePage

    course = CoursePage.objects.get(slug="echo")
    html = client.get(course.url).content.decode()
    assert "Sign up to enroll for free" in html


def test_the_catalog_query_count_does_not_grow_with_courses(client, catalog, django_assert_max_num_queries):
    from courses.factories import ImageFactory
    from courses.models import TrackPage

    track = TrackPage.objects.get(slug="cardiology")
    for number in range(10):
        CoursePageFactory(parent=track, title=f"Course {number}", slug=f"course-{number}", cover_image=ImageFactory())
    client.get(catalog.url)  # the first visit renders the image renditions

    with django_assert_max_num_queries(20):
        response = client.get(catalog.url)
    assert len(response.context["courses"]) == 12
