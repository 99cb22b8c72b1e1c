"""Seminar Q&A: registrants ask and vote; hosts and moderators answer and hide; sorted by votes."""

import pytest
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from alumni import qna
from alumni.events import EventError
from alumni.factories import AlumnusFactory, ChapterFactory, EventPageFactory, RegistrationFactory
from alumni.models import Question, QuestionVote, RegistrationStatus
from lms.accounts.factories import StaffUserFactory

pytestmark = pytest.mark.django_db


def _seminar_with(*people, **kwargs):
    event = EventPageFactory(**kwargs)
    for person in people:
        RegistrationFactory(event=event, user=person)
    return event


def test_a_registrant_asks_and_the_question_appears(client):
    asker = AlumnusFactory(profile__name_latin="Aziz Karimov")
    event = _seminar_with(asker)
    client.force_login(asker)

    response = client.post(reverse("alumni_events:ask", args=[event.pk]), {"text": "Is TAVI an option at 70?"})

    assert response["Location"] == event.url + "#questions"
    page = client.get(event.url).content.decode()
    assert "Is TAVI an option at 70?" in page and "Aziz Karimov" in page


def test_people_without_a_seat_cannot_ask(client):
    event = _seminar_with()
    waiting = RegistrationFactory(event=event, status=RegistrationStatus.WAITLISTED).user
    for person in (AlumnusFactory(), waiting):
        client.force_login(person)
        assert "Only registered participants can ask and vote." in client.get(event.url).content.decode()
        response = client.post(reverse("alumni_events:ask", args=[event.pk]), {"text": "Me too?"}, follow=True)
        assert "Only registered participants can ask and vote." in response.content.decode()
    assert not Question.objects.exists()


def test_askers_are_named_only_to_the_people_taking_part(client):
    asker = AlumnusFactory(profile__name_latin="Aziz Karimov")
    event = _seminar_with(asker)
    qna.ask(asker, event, "Is TAVI an option at 70?")

    page = client.get(event.url).content.decode()  # a visitor, not logged in
    assert "Is TAVI an option at 70?" in page
    assert "Aziz Karimov" not in page and "A participant" in page


def test_questions_close_when_the_event_ends():
    asker = AlumnusFactory()
    event = _seminar_with(
        asker,
        starts_at=timezone.now() - timezone.timedelta(hours=3),
        ends_at=timezone.now() - timezone.timedelta(hours=1),
    )
    with pytest.raises(EventError, match="closed"):
        qna.ask(asker, event, "Too late?")


def test_an_empty_or_doubled_question_is_not_posted_twice():
    asker = AlumnusFactory()
    event = _seminar_with(asker)
    with pytest.raises(EventError, match="Write your question"):
        qna.ask(asker, event, "   ")
    qna.ask(asker, event, "Dose?")
    qna.ask(asker, event, "Dose?")
    assert Question.objects.count() == 1


def test_questions_are_sorted_by_votes_then_by_time():
    people = [AlumnusFactory() for _ in range(3)]
    event = _seminar_with(*people)
    early = qna.ask(people[0], event, "Early question")
    popular = qna.ask(people[1], event, "Popular question")
    late = qna.ask(people[2], event, "Late question")
    for voter in people[:2]:
        qna.vote(popular, voter)
    assert list(qna.questions_for(event, people[0])) == [popular, early, late]


def test_one_vote_per_person_and_voting_again_keeps_one_vote(client):
    asker, voter = AlumnusFactory(), AlumnusFactory()
    event = _seminar_with(asker, voter)
    question = qna.ask(asker, event, "Anticoagulation after ablation?")
    client.force_login(voter)
    url = reverse("alumni_events:vote", args=[question.pk])

    client.post(url, {"vote": "up"})
    client.post(url, {"vote": "up"})  # a double click
    assert question.votes.count() == 1
    client.post(url, {"vote": "remove"})
    assert question.votes.count() == 0
    with pytest.raises(IntegrityError):
        QuestionVote.objects.create(question=question, user=asker)
        QuestionVote.objects.create(question=question, user=asker)


def test_a_plain_registrant_cannot_answer_or_hide(client):
    asker, other = AlumnusFactory(), AlumnusFactory()
    event = _seminar_with(asker, other)
    question = qna.ask(asker, event, "Which stent?")
    client.force_login(other)

    response = client.post(reverse("alumni_events:answer", args=[question.pk]), {"answer": "Any."}, follow=True)
    assert "Only the hosts and moderators of this event can do that." in response.content.decode()
    client.post(reverse("alumni_events:hide", args=[question.pk]), {"action": "hide"})
    question.refresh_from_db()
    assert not question.is_answered and not question.is_hidden
    assert "Moderate" not in client.get(event.url).content.decode()


def test_a_host_answers_and_everyone_sees_the_answer(client):
    lecturer_account = AlumnusFactory(profile__name_latin="Kim Min Jun")
    asker = AlumnusFactory()
    event = _seminar_with(asker, hosts=[lecturer_account])
    question = qna.ask(asker, event, "Which stent?")
    client.force_login(lecturer_account)

    client.post(
        reverse("alumni_events:answer", args=[question.pk]), {"answer": "A drug-eluting one.", "action": "answer"}
    )

    question.refresh_from_db()
    assert question.is_answered and question.answered_by == lecturer_account
    client.force_login(asker)
    page = client.get(event.url).content.decode()
    assert "A drug-eluting one." in page and "answered" in page


def test_a_moderator_marks_a_question_answered_without_text_and_can_reopen_it():
    chapter = ChapterFactory(country="UZ")
    moderator, asker = AlumnusFactory(), AlumnusFactory()
    chapter.moderators.add(moderator)
    event = _seminar_with(asker, audience="chapter", chapter=chapter)
    question = qna.ask(asker, event, "Slides?")
    assert qna.answer(question, moderator).is_answered
    assert not qna.answer(question, moderator, mark_answered=False).is_answered


def test_a_hidden_question_disappears_for_others_and_stays_marked_for_moderators(client):
    asker, other = AlumnusFactory(), AlumnusFactory()
    event = _seminar_with(asker, other)
    question = qna.ask(asker, event, "Buy cheap pills at spam.example")
    staff = StaffUserFactory(is_superuser=True)
    client.force_login(staff)

    client.post(reverse("alumni_events:hide", args=[question.pk]), {"action": "hide"})

    page = client.get(event.url).content.decode()
    assert "spam.example" in page and "hidden from participants" in page
    for person in (other, asker):
        client.force_login(person)
        assert "spam.example" not in client.get(event.url).content.decode()
    with pytest.raises(EventError):
        qna.vote(question, other)


def test_javascript_requests_get_the_questions_fragment(client):
    asker = AlumnusFactory()
    event = _seminar_with(asker)
    client.force_login(asker)

    response = client.post(
        reverse("alumni_events:ask", args=[event.pk]), {"text": "Fragment?"}, headers={"X-Requested-With": "fetch"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section class="section qna" id="questions"') and "Fragment?" in html

    refused = client.post(
        reverse("alumni_events:ask", args=[event.pk]), {"text": " "}, headers={"X-Requested-With": "fetch"}
    )
    assert refused.status_code == 400 and "Write your question first." in refused.content.decode()
