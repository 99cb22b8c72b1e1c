import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.documents import get_document_model

from courses.models import Enrollment, LessonAttachment
from lms.accounts.factories import StaffUserFactory

Document = get_document_model()


@pytest.fixture
def handout(video_lesson):
    document = Document.objects.create(title="Echo views handout", file=ContentFile(b"%PDF-1.4 handout", name="handout.pdf"))
    LessonAttachment.objects.create(lesson=video_lesson, document=document, title="Handout: standard views")
    return document


def test_a_lesson_attachment_downloads_for_enrolled_learners_only(client, trainee_client, trainee, basic_course, video_lesson, handout):
    assert trainee_client.get(handout.url).status_code == 404
    assert client.get(handout.url).status_code == 404

    Enrollment.objects.create(user=trainee, course=basic_course)
    response = trainee_client.get(handout.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 handout"
    assert "Handout: standard views" in trainee_client.get(video_lesson.url).content.decode()


def test_a_document_attached_to_no_lesson_stays_public(client, db):
    document = Document.objects.create(title="Brochure", file=ContentFile(b"brochure", name="brochure.pdf"))
    assert client.get(document.url).status_code == 200


def test_admins_follow_enrollments_in_the_wagtail_admin(client, trainee, basic_course):
    Enrollment.objects.create(user=trainee, course=basic_course)
    client.force_login(StaffUserFactory(is_superuser=True))

    response = client.get(reverse("enrollments:index"))

    assert response.status_code == 200
    assert "aziz@example.org" in response.content.decode()
