"""Completion exams in the Wagtail admin: question bank import, results report, extra attempts."""

import csv
import io
import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from courses import exam_services, services
from courses.admin_views import exam_summary, question_difficulty
from courses.factories import CoursePageFactory, EnrollmentFactory, LessonPageFactory
from courses.models import (
    AttemptQuestion,
    AttemptState,
    Exam,
    ExamAttempt,
    ExtraAttemptGrant,
    Question,
    QuestionKind,
)
from courses.question_import import import_question_bank, parse_question_bank
from lms.accounts.factories import StaffUserFactory, TraineeFactory

HEADER = "kind,question,option_1,option_2,option_3,option_4,option_5,option_6,correct,explanation\n"


def upload(name, content):
    data = content.encode("utf-8") if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def flags(question):
    return [(text, correct) for _id, text, correct in question.option_items()]


def make_question(exam, text, kind=QuestionKind.SINGLE, options=(("A", True), ("B", False)), sort_order=None):
    return Question.objects.create(
        exam=exam,
        kind=kind,
        text=text,
        options=[("option", {"text": option, "correct": correct}) for option, correct in options],
        sort_order=sort_order,
    )


@pytest.fixture
def exam(basic_course):
    return Exam.objects.create(course=basic_course, pass_mark_percent=70, max_attempts=2)


@pytest.fixture
def admin_user(db):
    return StaffUserFactory(email="admin@mka.example", is_superuser=True)


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def editor_client(client, db):
    # A curriculum editor: may write exams, may not see results or grant attempts.
    editor = StaffUserFactory(email="writer@mka.example", is_staff=False)
    editor.groups.add(Group.objects.get(name="Curriculum editors"))
    client.force_login(editor)
    return client


def import_url(exam):
    return reverse("exam_admin:import", args=[exam.pk])


def report_url(exam):
    return reverse("exam_admin:report", args=[exam.pk])


def grant_url(exam):
    return reverse("exam_admin:grant", args=[exam.pk])


# --- Import: the service ----------------------------------------------------------------


@pytest.mark.django_db
def test_csv_import_creates_questions_with_kinds_options_and_correct_answers(exam):
    make_question(exam, "Already in the bank", sort_order=0)
    content = HEADER + (
        "single,Which view shows the aortic valve best?,PLAX,A4C,Subcostal,,,,1,PLAX shows the LVOT.\n"
        "multiple,Which findings suggest tamponade?,Pulsus paradoxus,Bradycardia,RV diastolic collapse,,,,1;3,\n"
        'true-false,"An E/A ratio above 2 suggests restrictive filling.",,,,,,,true,\n'
        "true-false,Aortic stenosis causes a diastolic murmur.,,,,,,,FALSE,It is systolic.\n"
    )

    report = import_question_bank(exam, upload("bank.csv", content))

    assert report.ok, report.errors
    assert report.created == 4
    assert report.by_kind == {"single": 1, "multiple": 1, "true-false": 2}
    assert "Imported 4 questions" in report.summary()
    imported = list(exam.questions.order_by("sort_order"))[1:]
    assert [q.kind for q in imported] == ["single", "multiple", "true-false", "true-false"]
    assert [q.sort_order for q in imported] == [1, 2, 3, 4]
    assert flags(imported[0]) == [("PLAX", True), ("A4C", False), ("Subcostal", False)]
    assert imported[0].explanation == "PLAX shows the LVOT."
    assert flags(imported[1]) == [("Pulsus paradoxus", True), ("Bradycardia", False), ("RV diastolic collapse", True)]
    assert flags(imported[2]) == [("True", True), ("False", False)]
    assert flags(imported[3]) == [("True", False), ("False", True)]
    # Saved with block ids, so attempts can refer to the options.
    assert all(option_id for q in imported for option_id, _text, _correct in q.option_items())


@pytest.mark.django_db
def test_a_file_with_bad_rows_saves_nothing_and_names_every_bad_line(exam):
    content = HEADER + (
        "single,Good question,A,B,,,,,1,\n"  # line 2
        "essay,Describe the views,A,B,,,,,1,\n"  # line 3: unknown kind
        "single,Two answers for a single choice,A,B,C,,,,1;2,\n"  # line 4
        "\n"  # line 5: blank lines are skipped
        "multiple,Good multiple,A,B,C,,,,2;3,\n"  # line 6
        "single,Out of range,A,B,C,,,,4,\n"  # line 7
        "single,,A,B,,,,,1,\n"  # line 8: no question text
        "single,Only one option,A,,,,,,1,\n"  # line 9
        "single,No correct answer,A,B,,,,,,\n"  # line 10
        "single,Letters instead of numbers,A,B,,,,,b,\n"  # line 11
        "single,Gap in the options,A,,C,,,,1,\n"  # line 12
    )

    report = import_question_bank(exam, upload("bank.csv", content))

    assert not report.ok
    assert report.created == 0
    assert Question.objects.filter(exam=exam).count() == 0
    assert report.bad_lines == [3, 4, 7, 8, 9, 10, 11, 12]
    messages = {error.line: error.message for error in report.errors}
    assert "Unknown kind “essay”" in messages[3]
    assert "exactly one correct option (found 2)" in messages[4]
    assert "Option 4 is marked correct, but the question has only 3 options" in messages[7]
    assert "question text is empty" in messages[8]
    assert "at least two options" in messages[9]
    assert "“correct” is empty" in messages[10]
    assert "not an option number" in messages[11]
    assert "option_2" in messages[12]
    assert str(report.errors[0]).startswith("Line 3:")
    assert "Nothing was imported" in report.summary()


@pytest.mark.django_db
def test_line_numbers_follow_the_file_even_after_a_multiline_cell(exam):
    content = HEADER + (
        'single,"A question\nwritten on\nthree lines",A,B,,,,,1,\n'  # lines 2-4
        "single,Bad,A,B,,,,,3,\n"  # line 5
    )
    rows, errors = parse_question_bank(upload("bank.csv", content))
    assert [row.line for row in rows] == [2]
    assert [error.line for error in errors] == [5]


@pytest.mark.django_db
def test_a_csv_with_a_byte_order_mark_imports(exam):
    content = "\ufeff" + HEADER + "single,Résumé of the échocardiogram?,Oui,Non,,,,,1,\n"

    report = import_question_bank(exam, upload("excel-export.csv", content))

    assert report.ok, report.errors
    assert exam.questions.get().text == "Résumé of the échocardiogram?"


@pytest.mark.django_db
def test_a_semicolon_separated_csv_imports(exam):
    content = HEADER.replace(",", ";") + "multiple;Pick two;A;B;C;;;;1,2;\n"
    report = import_question_bank(exam, upload("bank.csv", content))
    assert report.ok, report.errors
    assert flags(exam.questions.get()) == [("A", True), ("B", True), ("C", False)]


@pytest.mark.django_db
def test_json_import(exam):
    content = json.dumps(
        [
            {"kind": "single", "question": "Normal LVEF?", "options": ["30%", "60%"], "correct": [2],
             "explanation": "55-70%."},
            {"kind": "multiple", "question": "Causes of AF?", "options": ["Thyrotoxicosis", "Hypothyroidism", "Alcohol"],
             "correct": [1, 3]},
            {"kind": "true-false", "question": "Digoxin is renally cleared.", "correct": True},
        ],
        indent=2,
    )

    report = import_question_bank(exam, upload("bank.json", content))

    assert report.ok, report.errors
    single, multiple, true_false = exam.questions.order_by("sort_order")
    assert (single.kind, flags(single), single.explanation) == ("single", [("30%", False), ("60%", True)], "55-70%.")
    assert flags(multiple) == [("Thyrotoxicosis", True), ("Hypothyroidism", False), ("Alcohol", True)]
    assert (true_false.kind, flags(true_false)) == ("true-false", [("True", True), ("False", False)])


@pytest.mark.django_db
def test_a_file_object_without_a_name_is_recognised_by_its_content(exam):
    rows, errors = parse_question_bank(io.BytesIO(b'[{"kind": "true-false", "question": "Q?", "correct": false}]'))
    assert not errors and flags(rows[0].question) == [("True", False), ("False", True)]
    rows, errors = parse_question_bank(io.BytesIO((HEADER + "single,Q?,A,B,,,,,2,\n").encode()))
    assert not errors and flags(rows[0].question) == [("A", False), ("B", True)]


@pytest.mark.django_db
def test_bad_json_items_are_reported_by_line_and_nothing_is_saved(exam):
    content = (
        "[\n"
        '  {"kind": "single", "question": "Fine", "options": ["A", "B"], "correct": [1]},\n'  # line 2
        '  {"kind": "single", "question": "Too many right", "options": ["A", "B"], "correct": [1, 2]},\n'  # line 3
        "  {\n"  # line 4
        '    "kind": "multiple", "question": "Seven options",\n'
        '    "options": ["1", "2", "3", "4", "5", "6", "7"], "correct": [1]\n'
        "  },\n"
        '  {"kind": "single", "question": "Typo", "options": ["A", "B"], "answer": [1]}\n'  # line 8
        "]\n"
    )
    report = import_question_bank(exam, upload("bank.json", content))

    assert report.bad_lines == [3, 4, 8]
    messages = {error.line: error.message for error in report.errors}
    assert "exactly one correct option" in messages[3]
    assert "at most 6 options" in messages[4]
    assert "Unknown key(s): answer" in messages[8]
    assert not Question.objects.exists()


@pytest.mark.django_db
def test_invalid_json_gives_the_line_of_the_syntax_error(exam):
    report = import_question_bank(exam, upload("bank.json", '[\n  {"kind": "single",\n  oops\n]'))
    assert not report.ok
    assert report.errors[0].line == 3
    assert "not valid JSON" in report.errors[0].message


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("bank.pdf", b"%PDF-1.4 a question bank", "not a CSV or JSON file"),
        ("bank.xlsx", b"PK\x03\x04 spreadsheet", "not a CSV or JSON file"),
        ("bank.csv", b"%PDF-1.4 renamed", "PDF document"),
        ("bank.csv", b"PK\x03\x04\x14\x00\x06\x00", "Excel"),
        ("bank.csv", b"kind,question\x00\x01\x02\xff", "not a text file"),
        ("bank.csv", "kind,question,correct\nsingle,Ça va?,1\n".encode("latin-1"), "not UTF-8"),
        ("bank.csv", b"", "empty"),
        ("bank.csv", b"title,answer\nx,y\n", "header row does not match"),
        ("bank.csv", b'[{"kind": "single"}]', "name it .json"),
        ("bank.json", b'{"kind": "single"}', "must be a list"),
    ],
)
def test_wrong_files_get_a_clear_error_not_a_crash(exam, name, content, expected):
    report = import_question_bank(exam, upload(name, content))
    assert not report.ok
    assert expected in report.errors[0].message
    assert not Question.objects.exists()


@pytest.mark.django_db
def test_size_and_row_limits(exam):
    big = upload("bank.csv", HEADER + "x" * (2 * 1024 * 1024))
    assert "larger than 2 MB" in import_question_bank(exam, big).errors[0].message

    rows = "".join(f"single,Question {n},A,B,,,,,1,\n" for n in range(1001))
    report = import_question_bank(exam, upload("bank.csv", HEADER + rows))
    assert "more than 1000 questions" in report.errors[0].message
    assert not Question.objects.exists()


@pytest.mark.django_db
def test_replace_swaps_the_bank_and_attempts_keep_their_copy(exam, trainee):
    old = make_question(exam, "Old one", sort_order=0)
    make_question(exam, "Old two", sort_order=1)
    attempt = ExamAttempt.objects.create(enrollment=EnrollmentFactory(user=trainee, course=exam.course), exam=exam, number=1)
    AttemptQuestion.objects.create(
        attempt=attempt, question=old, position=1, kind="single", text="Old one", options=[], correct_option_ids=[]
    )

    report = import_question_bank(exam, upload("bank.csv", HEADER + "single,New,A,B,,,,,2,\n"), replace=True)

    assert report.ok and report.created == 1 and report.removed == 2
    assert list(exam.questions.values_list("text", "sort_order")) == [("New", 0)]
    assert AttemptQuestion.objects.get().text == "Old one"
    assert "replaced 2 earlier questions" in report.summary()


# --- Import: the admin view -----------------------------------------------------------------


@pytest.mark.django_db
def test_the_import_view_shows_the_line_report_and_saves_nothing(admin_client, exam):
    bad = HEADER + "single,Fine,A,B,,,,,1,\nsingle,Broken,A,B,,,,,7,\n"

    response = admin_client.post(import_url(exam), {"file": upload("bank.csv", bad)})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing was imported" in page
    assert re.search(r"<td>\s*3\s*</td>\s*<td>Option 7 is marked correct", page)
    assert not exam.questions.exists()


@pytest.mark.django_db
def test_the_import_view_imports_and_reports_the_counts(admin_client, exam):
    make_question(exam, "Old", sort_order=0)
    good = HEADER + "single,One,A,B,,,,,1,\ntrue-false,Two,,,,,,,false,\n"

    response = admin_client.post(import_url(exam), {"file": upload("bank.csv", good), "replace": "on"}, follow=True)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Imported 2 questions" in page
    assert "replaced 1 earlier question" in page
    assert list(exam.questions.order_by("sort_order").values_list("text", flat=True)) == ["One", "Two"]
    assert ModelLogEntry.objects.filter(action="courses.exam.import_questions", object_id=str(exam.pk)).exists()


@pytest.mark.django_db
def test_the_import_page_renders_and_offers_a_sample_file(admin_client, exam):
    response = admin_client.get(import_url(exam))
    assert response.status_code == 200
    assert "kind,question,option_1" in response.content.decode()

    sample = admin_client.get(import_url(exam) + "?sample=csv")
    assert sample["Content-Disposition"] == 'attachment; filename="question-bank-sample.csv"'
    # The sample is itself a valid file.
    assert import_question_bank(exam, upload("sample.csv", sample.content)).created == 3


@pytest.mark.django_db
def test_a_wrong_file_type_in_the_view_is_an_error_message_not_a_crash(admin_client, exam):
    response = admin_client.post(import_url(exam), {"file": upload("scan.pdf", b"%PDF-1.7\n\x00\x01binary")})
    assert response.status_code == 200
    assert "not a CSV or JSON file" in response.content.decode()


# --- Report ------------------------------------------------------------------------------


@pytest.fixture
def results(exam):
    """Two trainees, four attempts (one still open), three questions of varied difficulty."""
    q1, q2, q3 = (make_question(exam, f"Question {n}", sort_order=n) for n in (1, 2, 3))
    alice = TraineeFactory(email="alice@example.org", profile__name_latin="Alice Kim", profile__country="UZ")
    bob = TraineeFactory(email="bob@example.org", profile__name_latin="Bob Lee", profile__country="KZ")
    now = timezone.now()

    created = []

    def attempt(user, number, scores, score_percent=None, passed=None):
        enrollment = EnrollmentFactory(user=user, course=exam.course)
        state = AttemptState.OPEN if score_percent is None else AttemptState.SUBMITTED
        record = ExamAttempt.objects.create(
            enrollment=enrollment, exam=exam, number=number, state=state,
            score_percent=score_percent, passed=passed, closed_at=None if score_percent is None else now,
        )
        created.append(record)
        ExamAttempt.objects.filter(pk=record.pk).update(started_at=now - timedelta(hours=10 - len(created)))
        for position, (question, score) in enumerate(scores, start=1):
            AttemptQuestion.objects.create(
                attempt=record, question=question, position=position, kind=question.kind, text=question.text,
                options=[], correct_option_ids=[], score=score,
            )
        return record

    attempt(alice, 1, [(q1, 1.0), (q2, 0.0), (q3, 0.0)], Decimal("33.33"), False)
    attempt(alice, 2, [(q1, 1.0), (q2, 1.0), (q3, 1.0)], Decimal("100.00"), True)
    attempt(bob, 1, [(q1, 1.0), (q2, 1.0), (q3, 0.0)], Decimal("66.67"), False)
    attempt(bob, 2, [(q1, None), (q2, None)])  # in progress: drawn, not graded
    return {"questions": (q1, q2, q3), "alice": alice, "bob": bob}


@pytest.mark.django_db
def test_report_numbers(exam, results):
    summary = exam_summary(exam)
    assert summary["attempts"] == 4
    assert summary["open"] == 1
    assert summary["trainees"] == 2
    assert summary["pass_rate"] == 33.3  # 1 of 3 graded attempts
    assert summary["trainee_pass_rate"] == 50.0  # 1 of 2 trainees
    assert summary["average_score"] == 66.7

    rows = {row["question"].text: row for row in question_difficulty(exam)}
    assert (rows["Question 1"]["drawn"], rows["Question 1"]["share_correct"]) == (4, 100.0)
    assert (rows["Question 2"]["drawn"], rows["Question 2"]["share_correct"]) == (4, 66.7)
    assert (rows["Question 3"]["drawn"], rows["Question 3"]["share_correct"]) == (3, 33.3)


@pytest.mark.django_db
def test_difficulty_is_counted_by_the_database(exam, results, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        question_difficulty(exam)


@pytest.mark.django_db
def test_the_report_page_shows_attempts_pass_rate_and_difficulty(admin_client, exam, results):
    response = admin_client.get(report_url(exam))

    assert response.status_code == 200
    page = response.content.decode()
    assert re.search(r"data-pass-rate>\s*33.3 %", page)
    assert re.search(r"data-average-score>\s*66.7 %", page)
    _q1, q2, q3 = results["questions"]
    assert re.search(rf'data-question="{q2.pk}">.*?data-drawn>4<.*?data-share>66.7 %', page, re.DOTALL)
    assert re.search(rf'data-question="{q3.pk}">.*?data-drawn>3<.*?data-share>33.3 %', page, re.DOTALL)
    assert "Alice Kim" in page and "bob@example.org" in page and "Kazakhstan" in page
    assert "In progress" in page


@pytest.mark.django_db
def test_the_attempts_csv_has_a_header_and_one_row_per_attempt(admin_client, exam, results):
    response = admin_client.get(report_url(exam), {"format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert re.fullmatch(r'attachment; filename="exam-echo-basics-attempts-[\d-]+\.csv"', response["Content-Disposition"])
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["trainee", "email", "country", "attempt", "state", "score_percent", "passed",
                       "started_at", "closed_at"]
    assert len(rows) == 1 + 4
    # Newest first: Bob's open attempt, Bob's first, then Alice's two.
    assert [(row[1], row[3]) for row in rows[1:]] == [
        ("bob@example.org", "2"), ("bob@example.org", "1"), ("alice@example.org", "2"), ("alice@example.org", "1")
    ]
    assert rows[1][2:7] == ["Kazakhstan", "2", "In progress", "", ""]
    assert rows[3][:7] == ["Alice Kim", "alice@example.org", "Uzbekistan", "2", "Submitted", "100.00", "yes"]


@pytest.mark.django_db
def test_the_question_difficulty_csv(admin_client, exam, results):
    response = admin_client.get(report_url(exam), {"format": "csv", "table": "questions"})

    assert "exam-echo-basics-questions-" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:7] == ["position", "question", "kind", "times_drawn", "times_graded", "fully_correct",
                           "share_correct_percent"]
    assert [row[1:] for row in rows[1:]] == [
        ["Question 1", "single", "4", "3", "3", "100.0", "100.0"],
        ["Question 2", "single", "4", "3", "2", "66.7", "66.7"],
        ["Question 3", "single", "3", "3", "1", "33.3", "33.3"],
    ]


@pytest.mark.django_db
def test_csv_cells_cannot_run_as_spreadsheet_formulas(admin_client, exam):
    make_question(exam, "=HYPERLINK(\"http://evil\")", sort_order=0)
    response = admin_client.get(report_url(exam), {"format": "csv", "table": "questions"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][1].startswith("'=")


@pytest.mark.django_db
def test_the_report_counts_a_real_attempt_taken_through_the_exam_services(admin_client, trainee):
    course = CoursePageFactory(title="ECG basics", slug="ecg-basics")
    lesson = LessonPageFactory(parent=course, video=None, body="<p>Read</p>")
    exam = Exam.objects.create(course=course, shuffle_questions=False, shuffle_options=False)
    make_question(exam, "Right one", options=(("Yes", True), ("No", False)), sort_order=0)
    make_question(exam, "Wrong one", options=(("Yes", True), ("No", False)), sort_order=1)
    services.enroll(trainee, course)
    services.mark_lesson_done(trainee, lesson)

    attempt = exam_services.start_attempt(trainee, course)
    first, second = attempt.questions.order_by("position")
    yes_1 = next(o["id"] for o in first.options if o["text"] == "Yes")
    no_2 = next(o["id"] for o in second.options if o["text"] == "No")
    attempt = exam_services.submit_attempt(attempt, {1: [yes_1], 2: [no_2]})

    assert attempt.score_percent == Decimal("50.00")
    rows = question_difficulty(exam)
    assert [(row["drawn"], row["share_correct"]) for row in rows] == [(1, 100.0), (1, 0.0)]
    assert exam_summary(exam)["pass_rate"] == 0.0
    assert admin_client.get(report_url(exam)).status_code == 200


# --- Extra attempts ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_granting_an_extra_attempt_needs_a_reason_and_is_listed_on_the_report(admin_client, admin_user, exam, results):
    enrollment = results["bob"].enrollments.get(course=exam.course)
    page = admin_client.get(grant_url(exam)).content.decode()
    assert "Bob Lee &lt;bob@example.org&gt;" in page

    response = admin_client.post(grant_url(exam), {"enrollment": enrollment.pk, "reason": "   "})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not ExtraAttemptGrant.objects.exists()

    response = admin_client.post(grant_url(exam), {"enrollment": enrollment.pk, "reason": "Power cut during attempt 2"})
    assert response.status_code == 302
    grant = ExtraAttemptGrant.objects.get()
    assert (grant.enrollment, grant.exam, grant.granted_by, grant.reason) == (
        enrollment, exam, admin_user, "Power cut during attempt 2"
    )
    assert ModelLogEntry.objects.filter(action="wagtail.create", object_id=str(grant.pk)).exists()

    report = admin_client.get(report_url(exam)).content.decode()
    grants_table = report[report.index("data-grants"):]
    assert "Power cut during attempt 2" in grants_table
    assert "admin@mka.example" in grants_table and "bob@example.org" in grants_table
    # And the trainee really has one more attempt.
    status = exam_services.exam_status(results["bob"], exam.course)
    assert status.attempts_left == 2 + 1 - 2


@pytest.mark.django_db
def test_only_trainees_of_the_exam_course_can_be_chosen(admin_client, exam, advanced_course):
    outsider = EnrollmentFactory(course=advanced_course)
    response = admin_client.post(grant_url(exam), {"enrollment": outsider.pk, "reason": "Because"})
    assert response.status_code == 200
    assert not ExtraAttemptGrant.objects.exists()


def assert_refused(response):
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response["Location"] in (reverse("wagtailadmin_home"),) or "login" in response["Location"]


@pytest.mark.django_db
def test_a_curriculum_editor_may_import_but_not_grant_or_see_results(editor_client, exam, trainee):
    enrollment = EnrollmentFactory(user=trainee, course=exam.course)

    # Wagtail's way of refusing: back to the dashboard with "Sorry, you do not have permission".
    refused = editor_client.get(grant_url(exam), follow=True)
    assert refused.redirect_chain == [(reverse("wagtailadmin_home"), 302)]
    assert "you do not have permission" in refused.content.decode()
    assert_refused(editor_client.post(grant_url(exam), {"enrollment": enrollment.pk, "reason": "Please"}))
    assert not ExtraAttemptGrant.objects.exists()
    assert_refused(editor_client.get(report_url(exam)))
    assert_refused(editor_client.get(report_url(exam), {"format": "csv"}))

    assert editor_client.get(import_url(exam)).status_code == 200
    edit = editor_client.get(reverse("exams:edit", args=[exam.pk]))
    assert edit.status_code == 200
    assert import_url(exam) in edit.content.decode()
    assert report_url(exam) not in edit.content.decode()


@pytest.mark.django_db
def test_trainees_cannot_open_the_exam_admin(trainee_client, exam):
    for url in (import_url(exam), report_url(exam), grant_url(exam)):
        assert_refused(trainee_client.get(url))


# --- The exam in the admin --------------------------------------------------------------------


def exam_form(course, questions):
    return nested_form_data(
        {
            "course": course.pk,
            "instructions": "Answer every question.",
            "questions_per_attempt": "",
            "shuffle_questions": "on",
            "shuffle_options": "on",
            "pass_mark_percent": "70",
            "time_limit_minutes": "30",
            "max_attempts": "3",
            "wait_between_attempts_minutes": "0",
            "scoring": "all-or-nothing",
            "show_answers_after_fail": "",
            "questions": inline_formset(questions),
        }
    )


def question_form(text, options, kind="single"):
    return {
        "kind": kind,
        "text": text,
        "image": "",
        "explanation": "",
        "options": streamfield([("option", {"text": option, "correct": "on" if correct else ""}) for option, correct in options]),
    }


@pytest.mark.django_db
def test_the_exam_is_created_and_edited_in_the_admin_with_its_questions(admin_client, basic_course):
    response = admin_client.get(reverse("exams:add"))
    assert response.status_code == 200

    data = exam_form(basic_course, [question_form("Normal LVEF?", [("30%", False), ("60%", True)])])
    response = admin_client.post(reverse("exams:add"), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    exam = Exam.objects.get(course=basic_course)
    question = exam.questions.get()
    assert flags(question) == [("30%", False), ("60%", True)]
    assert exam.time_limit_minutes == 30

    edit_url = reverse("exams:edit", args=[exam.pk])
    response = admin_client.get(edit_url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Normal LVEF?" in page
    assert import_url(exam) in page and report_url(exam) in page and grant_url(exam) in page

    data = exam_form(
        basic_course, [{**question_form("Normal LVEF, in %?", [("30", False), ("60", True)]), "id": question.pk}]
    )
    data["questions-INITIAL_FORMS"] = "1"
    response = admin_client.post(edit_url, data)
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.text == "Normal LVEF, in %?"
    assert flags(question) == [("30", False), ("60", True)]


@pytest.mark.django_db
def test_the_admin_form_refuses_a_single_choice_question_with_two_correct_options(admin_client, basic_course):
    data = exam_form(basic_course, [question_form("Pick one", [("A", True), ("B", True)])])
    response = admin_client.post(reverse("exams:add"), data)
    assert response.status_code == 200
    assert "Mark exactly one option as correct." in response.content.decode()
    assert not Exam.objects.exists()


@pytest.mark.django_db
def test_the_exam_list_shows_question_counts_and_tool_links(admin_client, exam):
    make_question(exam, "One", sort_order=0)
    make_question(exam, "Two", sort_order=1)

    response = admin_client.get(reverse("exams:index"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Echocardiography basics" in page
    assert import_url(exam) in page and report_url(exam) in page
    assert [row.question_count for row in response.context["object_list"] if row.pk == exam.pk] == [2]
