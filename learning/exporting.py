"""Question banks out to files: GIFT, Moodle XML, Aiken, the Excel template and pack YAML."""

from __future__ import annotations

from learning.formats import aiken, excel, gift, moodlexml, native
from learning.models import Question, QuestionBank, QuestionCategory


def _prepared(bank: QuestionBank, questions=None) -> list[Question]:
    qs = questions if questions is not None else Question.objects.filter(bank=bank)
    items = list(
        qs.select_related("category").prefetch_related("competences__framework").order_by("category__path", "id")
    )
    infos = dict(QuestionCategory.objects.filter(bank=bank).values_list("path", "info"))
    for q in items:
        q.category_path = q.category.path
        q.category_info = infos.get(q.category.path, "")
        q.competence_refs = [c.ref for c in q.competences.all()]
    return items


def _files_of(question: Question) -> dict[str, bytes]:
    out = {}
    for f in question.files.all():
        with f.file.open("rb") as fh:
            out[f.name] = fh.read()
    return out


def export_bank(bank: QuestionBank, fmt: str, questions=None) -> tuple[bytes, list[str]]:
    """(file content, names of questions the format cannot hold)."""
    items = _prepared(bank, questions)
    if fmt == "gift":
        text, skipped = gift.export(items)
        return text.encode(), skipped
    if fmt == "aiken":
        text, skipped = aiken.export(items)
        return text.encode(), skipped
    if fmt == "moodle-xml":
        return moodlexml.export(items, _files_of).encode(), []
    if fmt == "excel":
        return excel.export(items)
    if fmt == "yaml":
        return bank_to_yaml(bank, questions).encode(), []
    raise ValueError(f"unknown format {fmt}")


def bank_to_yaml(bank: QuestionBank, questions=None) -> str:
    items = _prepared(bank, questions)
    categories = dict(QuestionCategory.objects.filter(bank=bank).order_by("path").values_list("path", "info"))
    return native.export(bank, items, categories)
