"""Completion exams: the question bank editors write, and the attempts trainees take.

An attempt stores what it drew (questions, option order, which options are correct) at
the moment it starts, so an editor changing the bank mid-attempt cannot change what the
trainee is graded against, and nothing about correct answers ever needs the live bank.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable

from .catalog import CoursePage
from .learning import Enrollment


class Scoring(models.TextChoices):
    ALL_OR_NOTHING = "all-or-nothing", _("All correct options required")
    PARTIAL = "partial", _("Partial credit")


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TRUE_FALSE = "true-false", _("True / false")


class Exam(ClusterableModel):
    """The completion exam of one course, with its question bank."""

    course = models.OneToOneField(CoursePage, on_delete=models.CASCADE, related_name="exam")
    instructions = models.TextField(_("instructions"), blank=True)
    questions_per_attempt = models.PositiveSmallIntegerField(
        _("questions per attempt"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Drawn at random from the bank for each attempt. Empty: every question."),
    )
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=True)
    shuffle_options = models.BooleanField(_("shuffle options"), default=True)
    pass_mark_percent = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=70, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"), null=True, blank=True, validators=[MinValueValidator(1)],
        help_text=_("Empty: no time limit."),
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("maximum attempts"), null=True, blank=True, default=3, validators=[MinValueValidator(1)],
        help_text=_("Empty: unlimited."),
    )
    wait_between_attempts_minutes = models.PositiveIntegerField(
        _("waiting time between attempts (minutes)"), default=0
    )
    scoring = models.CharField(
        _("multiple-choice scoring"), max_length=20, choices=Scoring.choices, default=Scoring.ALL_OR_NOTHING
    )
    show_answers_after_fail = models.BooleanField(
        _("show correct answers after a failed attempt"),
        default=False,
        help_text=_("Off keeps the bank from leaking: failed attempts see only which answers were wrong."),
    )

    panels = [
        FieldPanel("course"),
        FieldPanel("instructions"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("questions_per_attempt"), FieldPanel("pass_mark_percent")]),
                FieldRowPanel([FieldPanel("shuffle_questions"), FieldPanel("shuffle_options")]),
                FieldRowPanel([FieldPanel("time_limit_minutes"), FieldPanel("max_attempts")]),
                FieldRowPanel([FieldPanel("wait_between_attempts_minutes"), FieldPanel("scoring")]),
                FieldPanel("show_answers_after_fail"),
            ],
            heading=_("Rules"),
        ),
        InlinePanel("questions", label=_("Question"), heading=_("Questions")),
    ]

    class Meta:
        verbose_name = _("exam")

    def __str__(self):
        return _("Exam: %(course)s") % {"course": self.course.title}


class Question(Orderable):
    exam = ParentalKey(Exam, on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(_("kind"), max_length=20, choices=QuestionKind.choices, default=QuestionKind.SINGLE)
    text = models.TextField(_("question"))
    image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    options = StreamField(
        [
            (
                "option",
                blocks.StructBlock(
                    [
                        ("text", blocks.CharBlock(label=_("Answer"))),
                        ("correct", blocks.BooleanBlock(label=_("Correct"), required=False)),
                    ],
                    icon="radio-full",
                ),
            )
        ],
        verbose_name=_("options"),
        help_text=_("True/false questions: two options, True and False, one of them correct."),
    )
    explanation = models.TextField(_("explanation"), blank=True, help_text=_("Shown after the attempt."))

    panels = [FieldPanel("kind"), FieldPanel("text"), FieldPanel("image"), FieldPanel("options"), FieldPanel("explanation")]

    class Meta(Orderable.Meta):
        verbose_name = _("question")

    def __str__(self):
        return self.text[:80]

    def option_items(self):
        """[(option id, text, correct)] in the editor's order."""
        return [(block.id, block.value["text"], bool(block.value["correct"])) for block in self.options]

    def clean(self):
        super().clean()
        items = self.option_items()
        correct = sum(1 for _id, _text, is_correct in items if is_correct)
        if len(items) < 2:
            raise ValidationError({"options": _("Give at least two options.")})
        if self.kind == QuestionKind.TRUE_FALSE and len(items) != 2:
            raise ValidationError({"options": _("A true/false question has exactly two options.")})
        if self.kind in (QuestionKind.SINGLE, QuestionKind.TRUE_FALSE) and correct != 1:
            raise ValidationError({"options": _("Mark exactly one option as correct.")})
        if self.kind == QuestionKind.MULTIPLE and correct < 1:
            raise ValidationError({"options": _("Mark at least one option as correct.")})


class AttemptState(models.TextChoices):
    OPEN = "open", _("In progress")
    SUBMITTED = "submitted", _("Submitted")
    TIMED_OUT = "timed-out", _("Closed when time ran out")


class ExamAttempt(models.Model):
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="exam_attempts")
    exam = models.ForeignKey(Exam, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveSmallIntegerField()
    state = models.CharField(max_length=20, choices=AttemptState.choices, default=AttemptState.OPEN)
    started_at = models.DateTimeField(default=timezone.now)
    deadline = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    score_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "exam", "number"], name="one_attempt_number_per_exam"),
            # At most one open attempt per learner and exam, even under concurrent starts.
            models.UniqueConstraint(
                fields=["enrollment", "exam"], condition=models.Q(state="open"), name="one_open_attempt_per_exam"
            ),
        ]
        indexes = [models.Index(fields=["state", "deadline"])]
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.enrollment.user} – {self.exam} #{self.number}"

    @property
    def is_open(self):
        return self.state == AttemptState.OPEN


class AttemptQuestion(models.Model):
    """One drawn question of an attempt, frozen when the attempt started."""

    attempt = models.ForeignKey(ExamAttempt, on_delete=models.CASCADE, related_name="questions")
    question = models.ForeignKey(Question, null=True, on_delete=models.SET_NULL, related_name="+")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=QuestionKind.choices)
    text = models.TextField()
    image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # [{"id": ..., "text": ...}] in the order this trainee sees them.
    options = models.JSONField()
    correct_option_ids = models.JSONField()
    explanation = models.TextField(blank=True)
    selected_option_ids = models.JSONField(default=list)
    answered_at = models.DateTimeField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["attempt", "position"], name="one_question_per_position")]
        ordering = ["position"]


class ExtraAttemptGrant(models.Model):
    """An admin's decision to allow one more attempt, kept for the audit trail."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="extra_attempt_grants")
    exam = models.ForeignKey(Exam, on_delete=models.CASCADE, related_name="extra_attempt_grants")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("extra attempt")

    def __str__(self):
        return f"{self.enrollment.user} – {self.exam}"
