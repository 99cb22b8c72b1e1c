"""Import an exam's question bank from a CSV or JSON file.

All or nothing: every row is checked first, and if any row is wrong nothing is saved and
the report names each bad row by its line in the file. Editors fix the file and upload it
again instead of hunting for the half that got in.

CSV (UTF-8, with or without a byte order mark)::

    kind,question,option_1,option_2,option_3,option_4,option_5,option_6,correct,explanation
    single,Which view shows the aortic valve best?,PLAX,A4C,Subcostal,,,,1,
    multiple,Which are signs of tamponade?,Pulsus paradoxus,Bradycardia,RV collapse,,,,1;3,
    true-false,An E/A ratio above 2 suggests restrictive filling.,,,,,,,true,

``correct`` lists the numbers of the correct options (``2`` or ``1;3``); a true/false
question may leave its options empty and say ``true`` or ``false``.

JSON: a list of objects::

    [{"kind": "single", "question": "...", "options": ["...", "..."], "correct": [1],
      "explanation": "..."},
     {"kind": "true-false", "question": "...", "correct": true}]
"""

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Exam, Question, QuestionKind

MAX_FILE_SIZE = 2 * 1024 * 1024
MAX_ROWS = 1000
MAX_OPTIONS = 6
MAX_OPTION_LENGTH = 500
OPTION_COLUMNS = [f"option_{number}" for number in range(1, MAX_OPTIONS + 1)]
CSV_COLUMNS = ["kind", "question", *OPTION_COLUMNS, "correct", "explanation"]
JSON_KEYS = {"kind", "question", "options", "correct", "explanation"}
# Stored in the bank as written: not translated at import time.
TRUE_FALSE_OPTIONS = ("True", "False")

KIND_ALIASES = {
    "single": QuestionKind.SINGLE,
    "single-choice": QuestionKind.SINGLE,
    "multiple": QuestionKind.MULTIPLE,
    "multiple-choice": QuestionKind.MULTIPLE,
    "true-false": QuestionKind.TRUE_FALSE,
    "truefalse": QuestionKind.TRUE_FALSE,
}
BINARY_SIGNATURES = {
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP archive or an Excel/Word file (.xlsx, .docx)",
    b"\xd0\xcf\x11\xe0": "an old Excel/Word file (.xls, .doc)",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
}


@dataclass(frozen=True)
class RowError:
    """One problem: ``line`` is the line of the file (None for the file as a whole)."""

    line: int | None
    message: str

    def __str__(self):
        if self.line is None:
            return self.message
        return _("Line %(line)s: %(message)s") % {"line": self.line, "message": self.message}


@dataclass
class ParsedRow:
    line: int
    question: Question  # unsaved, without an exam, already validated by the model

    @property
    def kind(self):
        return self.question.kind


@dataclass
class ImportReport:
    errors: list = field(default_factory=list)
    created: int = 0
    removed: int = 0
    by_kind: dict = field(default_factory=dict)

    @property
    def ok(self):
        return not self.errors

    @property
    def bad_lines(self):
        return sorted({error.line for error in self.errors if error.line is not None})

    def summary(self):
        if not self.ok:
            return ngettext(
                "Nothing was imported: %(count)s problem found. Fix the file and upload it again.",
                "Nothing was imported: %(count)s problems found. Fix the file and upload it again.",
                len(self.errors),
            ) % {"count": len(self.errors)}
        text = ngettext(
            "Imported %(count)s question", "Imported %(count)s questions", self.created
        ) % {"count": self.created}
        if self.by_kind:
            labels = dict(QuestionKind.choices)
            kinds = ", ".join(f"{count} {labels[kind].lower()}" for kind, count in sorted(self.by_kind.items()))
            text += f" ({kinds})"
        if self.removed:
            text += ngettext(
                "; replaced %(count)s earlier question", "; replaced %(count)s earlier questions", self.removed
            ) % {"count": self.removed}
        return text + "."


class _FileProblem(Exception):
    def __init__(self, message, line=None):
        super().__init__(message)
        self.error = RowError(line, message)


# --- Reading the file -----------------------------------------------------------------


def _file_format(name):
    extension = PurePath(name).suffix.lower()
    if extension in (".csv", ".json"):
        return extension[1:]
    shown = extension or _("no extension")
    raise _FileProblem(
        _("“%(name)s” is not a CSV or JSON file (%(extension)s). Upload a .csv or .json file.")
        % {"name": PurePath(name).name or _("The file"), "extension": shown}
    )


def _read_text(uploaded_file):
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > MAX_FILE_SIZE:
        raise _FileProblem(_("The file is larger than 2 MB. Split the question bank into smaller files."))
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    data = uploaded_file.read(MAX_FILE_SIZE + 1)
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > MAX_FILE_SIZE:
        raise _FileProblem(_("The file is larger than 2 MB. Split the question bank into smaller files."))
    for signature, what in BINARY_SIGNATURES.items():
        if data.startswith(signature):
            raise _FileProblem(
                _("This file is %(what)s, not a CSV or JSON text file. In a spreadsheet, use "
                  "“Save as… CSV UTF-8”.") % {"what": what}
            )
    if b"\x00" in data[:4096]:
        raise _FileProblem(
            _("This is not a text file (it contains binary data). Save the question bank as CSV (UTF-8) or JSON.")
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise _FileProblem(
            _("The file is not UTF-8 encoded text. In a spreadsheet, use “Save as… CSV UTF-8”."), line
        ) from None
    if not text.strip():
        raise _FileProblem(_("The file is empty."))
    return text


# --- One question, whatever the format -------------------------------------------------


def _kind(value, problems):
    normalized = re.sub(r"[\s_/]+", "-", str(value or "").strip().lower())
    if not normalized:
        problems.append(_("The kind is missing: use single, multiple or true-false."))
        return None
    kind = KIND_ALIASES.get(normalized)
    if kind is None:
        problems.append(
            _("Unknown kind “%(kind)s”: use single, multiple or true-false.") % {"kind": str(value).strip()}
        )
    return kind


def _option_numbers(values, option_count, problems):
    """1-based option numbers from ints or strings; problems reported in words."""
    numbers = []
    for value in values:
        if isinstance(value, bool):
            problems.append(_("“correct” must list option numbers such as 1 or 1;3, not true/false."))
            return None
        text = str(value).strip()
        if not re.fullmatch(r"\d+", text):
            problems.append(
                _("“%(value)s” in “correct” is not an option number (write for example 2 or 1;3).")
                % {"value": text}
            )
            return None
        number = int(text)
        if not 1 <= number <= option_count:
            problems.append(
                ngettext(
                    "Option %(number)s is marked correct, but the question has only %(count)s option.",
                    "Option %(number)s is marked correct, but the question has only %(count)s options.",
                    option_count,
                )
                % {"number": number, "count": option_count}
            )
            return None
        if number not in numbers:
            numbers.append(number)
    return numbers


def _truth(value):
    """True/False for a true/false answer written as a word, else None."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    return {"true": True, "t": True, "yes": True, "false": False, "f": False, "no": False}.get(text)


def _build_question(kind_value, text, options, correct, explanation):
    """(Question or None, [problems]) for one row, ``correct`` as raw values."""
    problems = []
    kind = _kind(kind_value, problems)
    text = str(text or "").strip()
    if not text:
        problems.append(_("The question text is empty."))
    options = [str(option).strip() for option in options]
    explanation = str(explanation or "").strip()
    if kind is None:
        return None, problems

    truth = None
    if kind == QuestionKind.TRUE_FALSE and len(correct) == 1:
        truth = _truth(correct[0])
    if truth is not None and not options:
        options = list(TRUE_FALSE_OPTIONS)
        correct_numbers = [1 if truth else 2]
    elif truth is not None:
        # Options were written out: "true" means the option called True.
        wanted = (TRUE_FALSE_OPTIONS[0] if truth else TRUE_FALSE_OPTIONS[1]).lower()
        matches = [number for number, option in enumerate(options, 1) if option.lower() == wanted]
        if len(matches) != 1:
            problems.append(
                _("“correct” says %(value)s but no option is called %(option)s: give the option number instead.")
                % {"value": str(correct[0]).strip(), "option": wanted.capitalize()}
            )
        correct_numbers = matches
    else:
        correct_numbers = None

    if kind == QuestionKind.TRUE_FALSE and not options:
        problems.append(_("A true/false question needs “correct” set to true or false."))
        return None, problems
    if len(options) < 2:
        problems.append(_("Give at least two options (found %(count)s).") % {"count": len(options)})
    if len(options) > MAX_OPTIONS:
        problems.append(
            _("A question has at most %(max)s options (found %(count)s).") % {"max": MAX_OPTIONS, "count": len(options)}
        )
    if kind == QuestionKind.TRUE_FALSE and len(options) > 2:
        problems.append(_("A true/false question has exactly two options."))
    long_options = [number for number, option in enumerate(options, 1) if len(option) > MAX_OPTION_LENGTH]
    if long_options:
        problems.append(
            _("Option %(numbers)s is longer than %(max)s characters.")
            % {"numbers": ", ".join(map(str, long_options)), "max": MAX_OPTION_LENGTH}
        )
    if problems:
        return None, problems

    if correct_numbers is None:
        if not correct:
            problems.append(_("“correct” is empty: give the number of the correct option (for example 2 or 1;3)."))
            return None, problems
        correct_numbers = _option_numbers(correct, len(options), problems)
        if correct_numbers is None:
            return None, problems
    if kind in (QuestionKind.SINGLE, QuestionKind.TRUE_FALSE) and len(correct_numbers) != 1:
        problems.append(
            _("A %(kind)s question has exactly one correct option (found %(count)s).")
            % {"kind": dict(QuestionKind.choices)[kind].lower(), "count": len(correct_numbers)}
        )
    if kind == QuestionKind.MULTIPLE and not correct_numbers:
        problems.append(_("Mark at least one option as correct."))
    if problems:
        return None, problems

    question = Question(
        kind=kind,
        text=text,
        explanation=explanation,
        options=[
            ("option", {"text": option, "correct": number in correct_numbers})
            for number, option in enumerate(options, 1)
        ],
    )
    # The model's own rules too, so the admin form and the import cannot disagree.
    try:
        question.full_clean(exclude=["exam", "sort_order", "image"])
    except ValidationError as error:
        for messages in error.message_dict.values():
            problems.extend(str(message) for message in messages)
        return None, problems
    return question, problems


# --- CSV -------------------------------------------------------------------------------


def _split_correct(value):
    return [part for part in re.split(r"[;,\s]+", str(value or "").strip()) if part]


def _parse_csv(text):
    rows, errors = [], []
    first_line = text.split("\n", 1)[0]
    # Spreadsheets in many locales save "CSV" with semicolons.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise _FileProblem(_("The file has no header row."), 1) from None
    columns = [name.strip().lower().replace(" ", "_") for name in header]
    unknown = [name for name in columns if name and name not in CSV_COLUMNS]
    missing = [name for name in ("kind", "question", "correct") if name not in columns]
    if unknown or missing:
        parts = []
        if missing:
            parts.append(_("missing column(s): %(names)s") % {"names": ", ".join(missing)})
        if unknown:
            parts.append(_("unknown column(s): %(names)s") % {"names": ", ".join(unknown)})
        raise _FileProblem(
            _("The header row does not match: %(problems)s. Expected: %(expected)s.")
            % {"problems": "; ".join(parts), "expected": ",".join(CSV_COLUMNS)},
            1,
        )
    duplicates = sorted({name for name in columns if name and columns.count(name) > 1})
    if duplicates:
        raise _FileProblem(
            _("The header row repeats column(s): %(names)s.") % {"names": ", ".join(duplicates)}, 1
        )

    count = 0
    line = reader.line_num + 1
    while True:
        start = line
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            errors.append(RowError(start, _("This line cannot be read as CSV (%(error)s).") % {"error": error}))
            break
        line = reader.line_num + 1
        if not any(cell.strip() for cell in cells):
            continue
        count += 1
        if count > MAX_ROWS:
            raise _FileProblem(
                _("The file has more than %(max)s questions. Import at most %(max)s at a time.") % {"max": MAX_ROWS}
            )
        extra = cells[len(columns):]
        if any(cell.strip() for cell in extra):
            errors.append(
                RowError(start, _("This row has more cells than the header (check for a stray %(sep)s).")
                         % {"sep": delimiter})
            )
            continue
        values = {name: (cells[index] if index < len(cells) else "") for index, name in enumerate(columns) if name}
        options = [values.get(name, "").strip() for name in OPTION_COLUMNS]
        last_filled = max((index for index, option in enumerate(options) if option), default=-1)
        gaps = [OPTION_COLUMNS[index] for index in range(last_filled) if not options[index]]
        if gaps:
            errors.append(
                RowError(start, _("%(columns)s is empty while a later option is filled: options are numbered "
                                  "in order, leave no gaps.") % {"columns": ", ".join(gaps)})
            )
            continue
        question, problems = _build_question(
            values.get("kind"),
            values.get("question"),
            options[: last_filled + 1],
            _split_correct(values.get("correct")),
            values.get("explanation"),
        )
        errors.extend(RowError(start, problem) for problem in problems)
        if question is not None:
            rows.append(ParsedRow(start, question))
    return rows, errors


# --- JSON ------------------------------------------------------------------------------


def _parse_json(text):
    decoder = json.JSONDecoder()
    stripped = text.lstrip()
    position = len(text) - len(stripped)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise _FileProblem(
            _("The file is not valid JSON (%(error)s).") % {"error": error.msg}, error.lineno
        ) from None
    if isinstance(data, list):
        items = data
        starts = _item_lines(decoder, text, position, len(items))
    else:
        raise _FileProblem(_("The JSON file must be a list of questions: [{\"kind\": …, \"question\": …}, …]."), 1)
    if len(items) > MAX_ROWS:
        raise _FileProblem(
            _("The file has %(count)s questions. Import at most %(max)s at a time.") % {"count": len(items), "max": MAX_ROWS}
        )

    rows, errors = [], []
    for item, line in zip(items, starts):
        def bad(message, line=line):
            errors.append(RowError(line, message))

        if not isinstance(item, dict):
            bad(_("Each question must be an object with kind, question, options and correct."))
            continue
        unknown = sorted(set(item) - JSON_KEYS)
        if unknown:
            bad(_("Unknown key(s): %(keys)s. Allowed: %(allowed)s.")
                % {"keys": ", ".join(unknown), "allowed": ", ".join(sorted(JSON_KEYS))})
            continue
        options = item.get("options") or []
        if not isinstance(options, list) or not all(isinstance(option, (str, int, float)) for option in options):
            bad(_("“options” must be a list of answer texts."))
            continue
        if any(not str(option).strip() for option in options):
            bad(_("An option is empty."))
            continue
        raw = item.get("correct")
        if raw is None or raw == "":
            correct = []
        elif isinstance(raw, list):
            correct = raw
        elif isinstance(raw, str) and _truth(raw) is None:
            correct = _split_correct(raw)  # "1;3", leniently
        else:
            correct = [raw]
        for value in (item.get("kind"), item.get("question"), item.get("explanation")):
            if isinstance(value, (dict, list)):
                bad(_("kind, question and explanation must be text."))
                break
        else:
            question, problems = _build_question(
                item.get("kind"), item.get("question"), options, correct, item.get("explanation")
            )
            for problem in problems:
                bad(problem)
            if question is not None:
                rows.append(ParsedRow(line, question))
    return rows, errors


def _item_lines(decoder, text, position, count):
    """The line on which each element of the top-level JSON list starts."""
    lines = []
    index = position + 1  # after "["
    for _number in range(count):
        while index < len(text) and text[index] in " \t\r\n,":
            index += 1
        lines.append(text.count("\n", 0, index) + 1)
        try:
            _value, index = decoder.raw_decode(text, index)
        except json.JSONDecodeError:  # cannot happen after json.loads succeeded
            lines.extend([1] * (count - len(lines)))
            break
    return lines


# --- Public API ------------------------------------------------------------------------


def parse_question_bank(uploaded_file):
    """Read and check a question bank file: ``(rows, errors)``.

    ``rows`` are :class:`ParsedRow` with unsaved, validated questions; ``errors`` are
    :class:`RowError`. A problem with the file as a whole (type, size, encoding, header)
    is one error with ``line`` None or 1, and no rows.
    """
    try:
        name = getattr(uploaded_file, "name", "") or ""
        # A file object without a name (a script, a test) is recognised by its content.
        file_format = _file_format(name) if name else None
        text = _read_text(uploaded_file)
        if file_format is None:
            file_format = "json" if text.lstrip().startswith(("[", "{")) else "csv"
        if file_format == "csv":
            if text.lstrip().startswith(("[", "{")):
                raise _FileProblem(_("This file contains JSON: name it .json, not .csv."), 1)
            return _parse_csv(text)
        return _parse_json(text)
    except _FileProblem as problem:
        return [], [problem.error]


def import_question_bank(exam, uploaded_file, replace=False):
    """Add the file's questions to ``exam`` (or replace its bank): all rows or none."""
    rows, errors = parse_question_bank(uploaded_file)
    report = ImportReport(errors=errors)
    if errors:
        return report
    if not rows:
        report.errors.append(RowError(None, _("The file contains no questions.")))
        return report
    with transaction.atomic():
        Exam.objects.select_for_update().filter(pk=exam.pk).first()
        existing = Question.objects.filter(exam=exam)
        if replace:
            # Past attempts keep their own frozen copy of each question.
            report.removed = existing.count()
            existing.delete()
            start = 0
        else:
            highest = existing.aggregate(highest=Max("sort_order"))["highest"]
            start = 0 if highest is None else highest + 1
        questions = []
        for offset, row in enumerate(rows):
            question = row.question
            question.exam = exam
            question.sort_order = start + offset
            questions.append(question)
            report.by_kind[question.kind] = report.by_kind.get(question.kind, 0) + 1
        Question.objects.bulk_create(questions)
        report.created = len(questions)
    return report


def sample_csv():
    """A small, valid file editors can download and fill in."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerow(["single", "Which view shows the aortic valve best?", "Parasternal long axis",
                     "Apical four-chamber", "Subcostal", "", "", "", "1", "PLAX shows the LVOT and aortic valve."])
    writer.writerow(["multiple", "Which findings suggest cardiac tamponade?", "Pulsus paradoxus", "Bradycardia",
                     "Diastolic RV collapse", "", "", "", "1;3", ""])
    writer.writerow(["true-false", "An E/A ratio above 2 suggests restrictive filling.", "", "", "", "", "", "",
                     "true", ""])
    return buffer.getvalue()
