import csv
import io
from datetime import datetime

from django.urls import reverse
from django.utils import timezone

from billing.factories import SeatCodeFactory, SeatPoolFactory, SponsorFactory
from billing.models import SeatCode
from billing.services import reports, seats
from courses.factories import EnrollmentFactory, LessonPageFactory, LessonProgressFactory
from lms.accounts.factories import TraineeFactory

DAY = timezone.make_aware(datetime(2026, 4, 1, 9, 0))


def test_the_sponsor_report_lists_who_enrolled_their_progress_and_completions(
    client, superuser, course_offer, advanced_course, django_assert_max_num_queries
):
    lessons = [LessonPageFactory(parent=advanced_course, title=f"Lesson {n}") for n in range(3)]
    LessonPageFactory(parent=advanced_course, title="Further reading", is_required=False)
    sponsor = SponsorFactory(name="Ministry of Health of Uzbekistan")
    pool = SeatPoolFactory(sponsor=sponsor, offer=course_offer, seat_count=4)
    people = {
        name: TraineeFactory(email=f"{name.split()[0].lower()}@example.uz", profile__name_latin=name)
        for name in ("Aziz Karimov", "Dilnoza Yusupova", "Bekzod Rakhimov")
    }
    for trainee in people.values():
        seats.redeem(trainee, SeatCodeFactory(pool=pool, invited_email=trainee.email).code, at=DAY)
    SeatCodeFactory(pool=pool)  # not used yet: not in the report
    SeatCodeFactory(pool=SeatPoolFactory(offer=course_offer))  # another sponsor's seat

    aziz = EnrollmentFactory(user=people["Aziz Karimov"], course=advanced_course)
    LessonProgressFactory(enrollment=aziz, lesson=lessons[0], completed_at=DAY)
    LessonProgressFactory(enrollment=aziz, lesson=lessons[1])  # started, not finished
    dilnoza = EnrollmentFactory(user=people["Dilnoza Yusupova"], course=advanced_course, completed_at=DAY)
    for lesson in lessons:
        LessonProgressFactory(enrollment=dilnoza, lesson=lesson, completed_at=DAY)
    # Bekzod redeemed but has not enrolled yet.

    with django_assert_max_num_queries(6):  # the same whatever the number of trainees
        rows = reports.sponsor_report(sponsor)
    summary = [(row[4], row[9] != "", row[10], row[11], row[12]) for row in rows]
    assert summary == [
        ("Aziz Karimov", True, 1, 3, ""),
        ("Dilnoza Yusupova", True, 3, 3, "2026-04-01"),
        ("Bekzod Rakhimov", False, 0, 3, ""),
    ]

    client.force_login(superuser)
    response = client.get(reverse("billing_sponsor_report", args=[sponsor.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(response.content.decode())))
    assert table[0] == reports.SPONSOR_REPORT_HEADER
    assert len(table) == 4
    aziz_row = table[1]
    assert aziz_row[0] == "Ministry of Health of Uzbekistan"
    assert aziz_row[2] == SeatCode.objects.get(redeemed_by=people["Aziz Karimov"]).code
    assert aziz_row[4:9] == ["Aziz Karimov", "aziz@example.uz", "UZ", "2026-04-01", "Structural heart interventions"]
    assert aziz_row[10:] == ["1", "3", ""]


def test_a_curriculum_editor_cannot_download_a_sponsor_report(client, curriculum_editor):
    sponsor = SponsorFactory()
    client.force_login(curriculum_editor)
    response = client.get(reverse("billing_sponsor_report", args=[sponsor.pk]))
    assert response.status_code in (302, 403)
