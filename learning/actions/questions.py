"""Question banks: creating them, importing question files (all or nothing), editing questions."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from audit.actions import record_event as audit
from hocvuso.lib.text import nfc, slugify_vi
from learning import formats, iri
from learning import questions as qt
from learning.actions.courses import resolve_competences, unique_key
from learning.formats.common import ParsedQuestion, ParseResult, category_segments
from learning.models import Question, QuestionBank, QuestionCategory, QuestionFile


@dataclass
class ImportReport:
    result: ParseResult
    bank: QuestionBank | None = None
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.result.ok

    @property
    def imported(self) -> int:
        if not self.ok:
            return 0
        return len(self.result.questions)

    @property
    def rejected(self) -> int:
        """The whole file is rejected when anything is wrong: every question in it counts."""
        if self.ok:
            return 0
        return max(self.result.blocks, len(self.result.questions), 1)


def find_bank(name: str) -> QuestionBank | None:
    name = nfc(name)
    return QuestionBank.objects.filter(name=name).first() or QuestionBank.objects.filter(key=slugify_vi(name)).first()


@transaction.atomic
def create_bank(*, name: str, owner=None, description: str = "", actor=None, key: str = "") -> QuestionBank:
    name = nfc(name)
    if not name:
        raise ValidationError({"name": _("A question bank needs a name.")})
    if QuestionBank.objects.filter(name=name).exists():
        raise ValidationError({"name": _("A question bank called “%(name)s” already exists.") % {"name": name}})
    key = slugify_vi(key) if key else unique_key(QuestionBank, name)
    bank = QuestionBank.objects.create(
        key=key,
        iri=iri.bank_iri(key),
        name=name,
        owner=owner,
        description=description,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if actor is not None and getattr(actor, "is_authenticated", False):
        audit(
            actor=actor,
            action="bank.create",
            target_type="question_bank",
            target_id=bank.pk,
            target_label=bank.name,
            unit_path=owner.path if owner else "",
        )
    return bank


def ensure_category(bank: QuestionBank, path: str, info: str | None = None) -> QuestionCategory:
    """The category at ``path`` ("A/B"), creating it and its parents; "" is the bank's default category."""
    segments = category_segments(path) or [_("Default")]
    parent = None
    current = ""
    category = None
    for segment in segments:
        current = f"{current}/{segment.replace('/', '//')}" if current else segment.replace("/", "//")
        category, _created = QuestionCategory.objects.get_or_create(
            bank=bank, path=current, defaults={"name": segment, "parent": parent}
        )
        parent = category
    if info is not None and category.info != info:
        category.info = info
        category.save(update_fields=["info"])
    return category


def check_competences(result: ParseResult) -> None:
    for q in result.questions:
        if q.competences:
            _found, unknown = resolve_competences(q.competences)
            for ref in unknown:
                result.add_problem(
                    _("unknown competence “%(ref)s” (write framework:code, e.g. tt02-2025:4.2)") % {"ref": ref},
                    q.line,
                    q.label,
                )


def read_question_file(data: bytes, filename: str | None = None) -> ParseResult:
    result = formats.read(data, filename)
    check_competences(result)
    return result


def import_question_file(
    *,
    bank_name: str,
    data: bytes,
    filename: str | None = None,
    dry_run: bool = False,
    actor=None,
    owner=None,
    bank: QuestionBank | None = None,
) -> ImportReport:
    """Read a question file and import it into a bank (created if missing) — all of it, or nothing."""
    result = read_question_file(data, filename)
    report = ImportReport(result=result, dry_run=dry_run, bank=bank or find_bank(bank_name))
    if not result.ok or dry_run:
        return report
    with transaction.atomic():
        if report.bank is None:
            report.bank = create_bank(name=bank_name, owner=owner, actor=actor)
        save_parsed(bank=report.bank, result=result, report=report)
        if actor is not None and getattr(actor, "is_authenticated", False):
            audit(
                actor=actor,
                action="bank.import",
                target_type="question_bank",
                target_id=report.bank.pk,
                target_label=report.bank.name,
                unit_path=report.bank.owner.path if report.bank.owner else "",
                changes={
                    "format": [None, result.format],
                    "created": [None, report.created],
                    "updated": [None, report.updated],
                    "file": [None, filename or ""],
                },
            )
    return report


def save_parsed(*, bank: QuestionBank, result: ParseResult, report: ImportReport | None = None) -> None:
    """Write parsed questions into a bank: new keys are created, known keys updated in place."""
    if not result.ok:
        raise ValueError("refusing to import a file with problems")
    for path, info in result.categories.items():
        ensure_category(bank, path, info or None)
    categories: dict[str, QuestionCategory] = {}
    existing = {q.key: q for q in Question.objects.filter(bank=bank, key__in=[p.key for p in result.questions])}
    for parsed in result.questions:
        if parsed.category not in categories:
            categories[parsed.category] = ensure_category(bank, parsed.category)
        outcome = _save_one(bank, categories[parsed.category], parsed, existing.get(parsed.key))
        if report is not None:
            setattr(report, outcome, getattr(report, outcome) + 1)


def _save_one(bank, category, p: ParsedQuestion, question: Question | None) -> str:
    values = {
        "category": category,
        "qtype": p.qtype,
        "name": nfc(p.name)[:255],
        "text": p.text,
        "text_format": p.text_format,
        "general_feedback": p.general_feedback,
        "data": p.data,
        "default_mark": p.default_mark,
        "tags": p.tags,
        "is_active": p.is_active,
    }
    competences, _unknown = resolve_competences(p.competences)
    if question is None:
        question = Question.objects.create(bank=bank, key=p.key, iri=iri.question_iri(bank.key, p.key), **values)
        outcome = "created"
    else:
        changed = [
            k
            for k, v in values.items()
            if getattr(question, k if k != "category" else "category_id") != (v.pk if k == "category" else v)
        ]
        if changed:
            for k in changed:
                setattr(question, k, values[k])
            question.version += 1
            question.save(update_fields=[*changed, "version", "updated_at"])
            outcome = "updated"
        else:
            outcome = "unchanged"
    if p.competences:
        question.competences.set(competences)
    if p.files or question.files.exists():
        _replace_files(question, p.files)
    return outcome


def _replace_files(question: Question, files: dict[str, bytes]) -> None:
    for old in question.files.exclude(name__in=list(files)):
        old.file.delete(save=False)
        old.delete()
    for name, content in files.items():
        qf = QuestionFile.objects.filter(question=question, name=name).first() or QuestionFile(
            question=question, name=name
        )
        if qf.pk and qf.size == len(content):
            continue
        if qf.pk:
            qf.file.delete(save=False)
        qf.content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        qf.size = len(content)
        qf.file.save(name, ContentFile(content), save=False)
        qf.save()


@transaction.atomic
def save_question(
    *,
    bank: QuestionBank,
    category: QuestionCategory,
    qtype: str,
    name: str,
    text: str,
    data: dict,
    text_format: str = "plain",
    general_feedback: str = "",
    default_mark: float = 1.0,
    question: Question | None = None,
    competences=None,
    actor=None,
) -> Question:
    """Create or edit one question from the authoring form."""
    problems = qt.validate(qtype, text, data, default_mark)
    if problems:
        raise ValidationError(problems)
    if category.bank_id != bank.pk:
        raise ValidationError({"category": _("The category belongs to another bank.")})
    name = nfc(name) or formats.common.default_name(text, text_format)
    if question is None:
        key = unique_key(Question, name, bank=bank)
        question = Question(bank=bank, key=key, iri=iri.question_iri(bank.key, key))
    else:
        question.version += 1
    question.category = category
    question.qtype = qtype
    question.name = name[:255]
    question.text = text
    question.text_format = text_format
    question.general_feedback = general_feedback
    question.data = data
    question.default_mark = default_mark
    question.save()
    if competences is not None:
        question.competences.set(competences)
    return question


@transaction.atomic
def set_question_active(*, question: Question, active: bool) -> None:
    question.is_active = active
    question.save(update_fields=["is_active", "updated_at"])
