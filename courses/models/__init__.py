"""Courses' models: the catalog (Wagtail pages and lecturers), learning records and exams."""

from .catalog import (  # noqa: F401
    CatalogPage,
    CourseLecturer,
    CoursePage,
    FieldKind,
    Lecturer,
    LessonAttachment,
    LessonPage,
    Level,
    TrackPage,
)
from .exams import (  # noqa: F401
    AttemptQuestion,
    AttemptState,
    Exam,
    ExamAttempt,
    ExtraAttemptGrant,
    Question,
    QuestionKind,
    Scoring,
)
from .learning import Enrollment, LessonProgress  # noqa: F401
