"""One trainee's learning life (the "owner"), built with the factories, for the access,
personal-data and fuzz tests: enrollment, progress, an open and a graded exam attempt, a
certificate with its PDF and a pending name-correction request; a paid order with its receipt
PDF, a pending sandbox checkout, a track pass, a redeemed seat code; alumni membership (as a
chapter moderator with a news post), an unlisted directory entry with a photo, an event
registration, a question with the owner's vote, a calendar feed and a message sent.

The "other" trainee is an alumnus of the same chapter, registered for the same event: every
alumni gate lets them in, so the matrix shows that what stops them is the ownership check."""

import io
from dataclasses import dataclass
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from alumni import events as alumni_events
from alumni import qna
from alumni import services as alumni_services
from alumni.factories import (
    AlumniMembershipFactory,
    ChapterFactory,
    DirectoryEntryFactory,
    EventPageFactory,
)
from alumni.models import (
    AlumniMembership,
    CalendarFeed,
    ChapterNewsPost,
    ContactMessage,
    DirectoryEntry,
    NewsletterUnsubscription,
    QuestionVote,
    Registration,
)
from alumni.models import Question as EventQuestion
from billing import tasks as billing_tasks
from billing.factories import (
    CourseOfferFactory,
    SeatCodeFactory,
    SeatPoolFactory,
    TrackPassOfferFactory,
    create_order,
)
from billing.models import Entitlement, Order, SeatCode, Subscription
from billing.services import seats
from billing.services.checkout import fulfil_order
from certificates import tasks as certificate_tasks
from certificates.models import Certificate, NameCorrectionRequest
from courses import exam_services, services
from courses.factories import CoursePageFactory, LessonPageFactory, TrackPageFactory, VideoFactory
from courses.models import Enrollment, ExamAttempt, LessonProgress
from courses.models.exams import Exam, Question
from lms.accounts.factories import TraineeFactory
from lms.accounts.models import TraineeProfile

OWNER_NAME = "Zarina Ownerova"
OWNER_EMAIL = "zarina.owner@example.org"


@dataclass
class World:
    owner: object
    other: object
    course: object
    video_lesson: object
    reading_lesson: object
    exam: object
    enrollment: object
    open_attempt: object
    graded_attempt: object
    finished_course: object
    certificate: object
    offer: object = None
    paid_order: object = None
    pending_order: object = None
    subscription: object = None
    seat_code: object = None
    chapter: object = None
    news_post: object = None
    entry: object = None
    event: object = None
    registration: object = None
    question: object = None
    feed: object = None


def make_exam(course, max_attempts=5):
    exam = Exam.objects.create(course=course, shuffle_questions=False, shuffle_options=False, max_attempts=max_attempts)
    for order, (kind, text, options, correct) in enumerate(
        [
            (
                "single",
                "Which view shows the aortic valve best?",
                ["Parasternal long axis", "Subcostal"],
                [0],
            ),
            (
                "multiple",
                "Which are signs of tamponade?",
                ["Pulsus paradoxus", "RV collapse", "Bradycardia"],
                [0, 1],
            ),
        ]
    ):
        Question.objects.create(
            exam=exam,
            sort_order=order,
            kind=kind,
            text=text,
            options=[("option", {"text": option, "correct": i in correct}) for i, option in enumerate(options)],
        )
    return exam


def build_world():
    track = TrackPageFactory(title="Cardiology", slug="cardiology")
    course = CoursePageFactory(parent=track, title="Echocardiography basics", slug="echo", level="basic")
    video_lesson = LessonPageFactory(
        parent=course, title="Standard views", slug="views", video=VideoFactory(duration=100)
    )
    reading_lesson = LessonPageFactory(parent=course, title="Reading list", slug="reading", video=None)
    exam = make_exam(course)
    owner = TraineeFactory(email=OWNER_EMAIL, profile__name_latin=OWNER_NAME, profile__name_native="Зарина Овнерова")
    other = TraineeFactory(email="boris.other@example.org", profile__name_latin="Boris Other")

    enrollment = services.enroll(owner, course)
    services.record_progress(owner, video_lesson, 10, 10)
    LessonProgress.objects.filter(enrollment=enrollment, lesson=video_lesson).update(
        seconds_watched=95, furthest_position=95, completed_at=timezone.now()
    )
    services.mark_lesson_done(owner, reading_lesson)
    graded = exam_services.start_attempt(owner, course)
    first = graded.questions.get(position=1)
    exam_services.submit_attempt(graded, {1: [first.options[0]["id"]]})
    open_attempt = exam_services.start_attempt(owner, course)

    finished_course = CoursePageFactory(parent=track, title="ECG for beginners", slug="ecg", level="basic")
    finished = Enrollment.objects.create(user=owner, course=finished_course, completed_at=timezone.now())
    certificate_tasks.issue_certificate.apply(args=[finished.pk]).get()
    certificate = Certificate.objects.get(enrollment=finished)
    NameCorrectionRequest.objects.create(
        certificate=certificate, name_latin="Zarina Ownerova-Lee", reason="Married name"
    )
    return World(
        **build_billing(owner, track),
        **build_alumni(owner, other),
        owner=owner,
        other=other,
        course=course,
        video_lesson=video_lesson,
        reading_lesson=reading_lesson,
        exam=exam,
        enrollment=enrollment,
        open_attempt=open_attempt,
        graded_attempt=graded,
        finished_course=finished_course,
        certificate=certificate,
    )


def build_billing(owner, track):
    structural = CoursePageFactory(parent=track, title="Structural heart", slug="structural", level="advanced")
    offer = CourseOfferFactory(course=structural, title="Structural heart", prices={"USD": 4900})
    paid = create_order(owner, offer, provider_reference="sbx_cs_owner_paid", buyer_name=OWNER_NAME)
    fulfil_order(paid, charge_reference="sbx_pi_owner_paid")
    billing_tasks.issue_receipt.apply(args=[paid.pk]).get()  # number, PDF and e-mail

    pass_offer = TrackPassOfferFactory(track=track, title="Cardiology annual pass")
    pass_order = create_order(owner, pass_offer, provider_reference="sbx_cs_owner_pass")
    fulfil_order(
        pass_order,
        subscription_reference="sbx_sub_owner",
        period_end=timezone.now() + timedelta(days=365),
    )

    tavi = CoursePageFactory(parent=track, title="TAVI in practice", slug="tavi", level="advanced")
    pending = create_order(
        owner,
        CourseOfferFactory(course=tavi, title="TAVI in practice", prices={"USD": 5900}),
        provider_reference="sbx_cs_owner_pending",
    )

    seat = SeatCodeFactory(
        pool=SeatPoolFactory(
            offer=CourseOfferFactory(
                course=CoursePageFactory(parent=track, title="Heart failure clinic", slug="hf", level="advanced")
            )
        )
    )
    seats.redeem(owner, seat.code)
    return {
        "offer": offer,
        "paid_order": Order.objects.get(pk=paid.pk),
        "pending_order": pending,
        "subscription": Subscription.objects.get(order=pass_order),
        "seat_code": SeatCode.objects.get(pk=seat.pk),
    }


def _jpeg():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(buffer, "JPEG")
    return buffer.getvalue()


def build_alumni(owner, other):
    chapter = ChapterFactory(country="UZ", name="Uzbekistan chapter", slug="uz")
    chapter.moderators.add(owner)
    membership = AlumniMembershipFactory(user=owner, chapter=chapter)
    AlumniMembershipFactory(user=other, chapter=chapter)
    news = alumni_services.post_chapter_news(chapter, owner, title="Tashkent meet-up", body="Bring your echo cases.")
    # Hidden from the directory (the default): no other alumnus may open it.
    entry = DirectoryEntryFactory(membership=membership, listed=False, city="Tashkent")
    entry.photo.save("zarina.jpg", ContentFile(_jpeg()))

    event = EventPageFactory(title="Echo case night", capacity=20)
    registration = alumni_events.register(owner, event)
    alumni_events.register(other, event)  # so the other may vote and ask: the Q&A gate is passed
    question = qna.ask(owner, event, "How do you grade mitral regurgitation?")
    qna.vote(question, owner)
    ContactMessage.objects.create(sender=owner, recipient=other)
    return {
        "chapter": chapter,
        "news_post": news,
        "entry": entry,
        "event": event,
        "registration": registration,
        "question": question,
        "feed": alumni_events.feed_for(owner),
    }


def owner_state(user):
    """Everything of the user's that a request could change, to compare before and after."""
    return {
        "profile": list(TraineeProfile.objects.filter(user=user).values()),
        "enrollments": list(Enrollment.objects.filter(user=user).order_by("pk").values()),
        "progress": list(LessonProgress.objects.filter(enrollment__user=user).order_by("pk").values()),
        "attempts": [
            (attempt, list(attempt_questions))
            for attempt, attempt_questions in (
                (
                    tuple(ExamAttempt.objects.filter(pk=a.pk).values_list()),
                    a.questions.order_by("position").values_list("selected_option_ids", "answered_at", "score"),
                )
                for a in ExamAttempt.objects.filter(enrollment__user=user).order_by("pk")
            )
        ],
        "certificates": list(Certificate.objects.filter(enrollment__user=user).order_by("pk").values()),
        "corrections": list(
            NameCorrectionRequest.objects.filter(certificate__enrollment__user=user).order_by("pk").values()
        ),
        "orders": list(Order.objects.filter(user=user).order_by("pk").values()),
        "subscriptions": list(Subscription.objects.filter(user=user).order_by("pk").values()),
        "entitlements": list(Entitlement.objects.filter(user=user).order_by("pk").values()),
        "seat_codes": list(SeatCode.objects.filter(redeemed_by=user).order_by("pk").values()),
        "membership": list(AlumniMembership.objects.filter(user=user).values()),
        "directory_entry": list(DirectoryEntry.objects.filter(membership__user=user).values()),
        "news_posts": list(ChapterNewsPost.objects.filter(author=user).order_by("pk").values()),
        "registrations": list(Registration.objects.filter(user=user).order_by("pk").values()),
        "questions": list(EventQuestion.objects.filter(author=user).order_by("pk").values()),
        "votes": list(QuestionVote.objects.filter(user=user).order_by("pk").values()),
        "calendar_feed": list(CalendarFeed.objects.filter(user=user).values()),
        "newsletter_unsubscription": list(NewsletterUnsubscription.objects.filter(user=user).values("user")),
        "messages_received": ContactMessage.objects.filter(recipient=user).count(),
    }
