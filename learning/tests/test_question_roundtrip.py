"""What each format supports survives export and import again."""

import base64
from pathlib import Path

from django.test import TestCase

from learning import actions
from learning.exporting import export_bank
from learning.frameworks import load_frameworks
from learning.models import Question, QuestionFile

RICH = (Path(__file__).parent / "fixtures" / "rich_bank.yaml").read_bytes()
FORMATS = Path(__file__).parent / "fixtures" / "formats"
COMBINED = ("correct_feedback", "partial_feedback", "incorrect_feedback")


def snapshot(bank, *, fields, drop_data=(), types=None, by="name"):
    out = {}
    for q in Question.objects.filter(bank=bank).select_related("category").prefetch_related("competences"):
        if types is not None and q.qtype not in types:
            continue
        row = {
            "qtype": q.qtype,
            "name": q.name,
            "text": q.text,
            "general_feedback": q.general_feedback,
            "category": q.category.path,
            "key": q.key,
            "mark": q.default_mark,
            "tags": q.tags,
            "competences": sorted(c.ref for c in q.competences.all()),
            "data": {k: v for k, v in q.data.items() if k not in drop_data},
        }
        out[getattr(q, by)] = {k: row[k] for k in fields}
    return out


class RoundTripTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_frameworks()
        report = actions.import_question_file(bank_name="Rich", data=RICH, filename="rich.yaml")
        assert report.ok, report.result.problems
        cls.bank = report.bank
        png = base64.b64decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
        )
        q = Question.objects.get(bank=cls.bank, key="essay")
        q.text = '<p>Xem ảnh <img src="@@PLUGINFILE@@/dot.png" alt="chấm"></p>'
        q.text_format = "html"
        q.save()
        from django.core.files.base import ContentFile

        qf = QuestionFile(question=q, name="dot.png", content_type="image/png", size=len(png))
        qf.file.save("dot.png", ContentFile(png), save=True)

    def roundtrip(self, fmt, name):
        data, skipped = export_bank(self.bank, fmt)
        report = actions.import_question_file(bank_name=name, data=data, filename=f"x.{fmt}")
        self.assertEqual(report.result.problems, [], f"{fmt}: {report.result.problems}")
        return report.bank, skipped

    def test_moodle_xml_keeps_everything_but_competences(self):
        copy, skipped = self.roundtrip("moodle-xml", "Copy XML")
        self.assertEqual(skipped, [])
        fields = ("qtype", "text", "general_feedback", "category", "key", "mark", "tags", "data")
        self.assertEqual(snapshot(copy, fields=fields), snapshot(self.bank, fields=fields))
        copied = QuestionFile.objects.get(question__bank=copy)
        self.assertEqual(copied.name, "dot.png")
        with copied.file.open("rb") as f:
            self.assertTrue(f.read().startswith(b"\x89PNG"))

    def test_gift_keeps_texts_weights_feedback_escapes_ranges_and_pairs(self):
        copy, skipped = self.roundtrip("gift", "Copy GIFT")
        self.assertEqual(skipped, ["Sắp xếp"])
        fields = ("qtype", "text", "general_feedback", "category", "data")
        # GIFT has no combined feedback, case sensitivity, shuffle flag, units or marks.
        drop = (*COMBINED, "case_sensitive", "shuffle", "units")
        types = {"single", "multiple", "truefalse", "short", "numerical", "matching", "essay"}
        original = snapshot(self.bank, fields=fields, drop_data=drop, types=types)
        for q in original.values():
            if q["qtype"] == "essay":
                q["data"] = {}
        copied = snapshot(copy, fields=fields, drop_data=drop, types=types)
        for q in copied.values():
            if q["qtype"] == "essay":
                q["data"] = {}
        self.assertEqual(copied, original)
        special = Question.objects.get(bank=copy, name="Ký tự đặc biệt ~ = # { } :")
        self.assertIn("a = b # c ~ d {e} : f \\ g\ndòng thứ hai", special.text)

    def test_excel_keeps_everything_but_tags_and_files(self):
        copy, skipped = self.roundtrip("excel", "Copy Excel")
        self.assertEqual(skipped, [])
        fields = ("qtype", "name", "text", "general_feedback", "category", "key", "mark", "competences", "data")
        drop = ("units", "response_template")
        self.assertEqual(
            snapshot(copy, fields=fields, drop_data=drop), snapshot(self.bank, fields=fields, drop_data=drop)
        )

    def test_aiken_keeps_single_choice_questions_with_one_right_answer(self):
        plain = actions.import_question_file(
            bank_name="Plain", data=(FORMATS / "aiken_questions.txt").read_bytes(), filename="a.txt"
        ).bank
        data, skipped = export_bank(plain, "aiken")
        self.assertEqual(skipped, [])
        copy = actions.import_question_file(bank_name="Copy Aiken", data=data, filename="a.txt").bank
        fields = ("qtype", "text", "data")
        self.assertEqual(snapshot(copy, fields=fields), snapshot(plain, fields=fields))
        _data, skipped = export_bank(self.bank, "aiken")
        self.assertIn("Nhiều lựa chọn: một phần ba", skipped)

    def test_pack_yaml_keeps_everything_but_files(self):
        copy, _skipped = self.roundtrip("yaml", "Copy YAML")
        fields = ("qtype", "name", "text", "general_feedback", "category", "key", "mark", "tags", "competences", "data")
        original = snapshot(self.bank, fields=fields)
        copied = snapshot(copy, fields=fields)
        self.assertEqual(copied, original)

    def test_a_gift_file_using_every_feature_survives_export_and_import(self):
        report = actions.import_question_file(
            bank_name="GIFT", data=(FORMATS / "gift_every_feature.txt").read_bytes(), filename="g.txt"
        )
        self.assertEqual(report.result.problems, [])
        original = report.bank
        self.assertEqual(Question.objects.filter(bank=original).count(), 30)
        data, skipped = export_bank(original, "gift")
        self.assertEqual(skipped, [])
        copy = actions.import_question_file(bank_name="GIFT again", data=data, filename="g.txt").bank
        fields = ("qtype", "name", "text", "general_feedback", "category", "data")
        # Keyed by question key: one question is in the file twice (keys "…" and "…-2").
        copied = snapshot(copy, fields=fields, by="key")
        self.assertEqual(copied, snapshot(original, fields=fields, by="key"))
        self.assertEqual(len(copied), 30)

    def test_every_moodle_xml_type_survives_export_and_import(self):
        report = actions.import_question_file(
            bank_name="XML", data=(FORMATS / "xml_every_type.xml").read_bytes(), filename="x.xml"
        )
        self.assertEqual(report.result.problems, [])
        original = report.bank
        data, skipped = export_bank(original, "moodle-xml")
        self.assertEqual(skipped, [])
        copy = actions.import_question_file(bank_name="XML again", data=data, filename="x.xml").bank
        fields = ("qtype", "text", "general_feedback", "category", "key", "mark", "tags", "data")
        self.assertEqual(snapshot(copy, fields=fields), snapshot(original, fields=fields))
        self.assertEqual(
            sorted(Question.objects.filter(bank=copy, is_active=False).values_list("key", flat=True)), ["mc-an-toan"]
        )
