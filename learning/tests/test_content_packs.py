import io
import zipfile

from django.test import TestCase
from django.utils import translation

from hocvuso.testing import BaseTestCase
from learning import actions
from learning.frameworks import load_frameworks
from learning.models import ContentPack, Course, Lesson, LessonFile, Question, QuestionBank
from learning.packs import Source, export_course_pack, import_pack
from learning.tests.factories import make_course

MANIFEST = """format: hocvuso-content-pack
format_version: 1
id: test.pack
version: 1.0.0
title: Gói thử
banks:
  - file: banks/b.yaml
courses:
  - courses/c
"""
BANK = """bank: goi-thu
name: Ngân hàng gói thử
questions:
  - {id: q1, category: Chung, type: truefalse, text: Trời xanh., answer: true}
  - {id: q2, category: Chung, type: single, text: Chọn A, choices: [{text: A, correct: true}, {text: B}]}
"""
COURSE = """key: khoa-thu
title: Khóa thử
competences: [tt02-2025:4.2]
modules:
  - key: m1
    title: Chương 1
    lessons:
      - {key: l1, title: Bài 1, file: lessons/l1.md}
      - key: l2
        title: Tài liệu
        kind: file
        files: [{path: media/tai-lieu.pdf, title: Tài liệu PDF}]
      - key: kt
        title: Kiểm tra
        kind: quiz
        quiz: {bank: goi-thu, pass_mark: 50, draw: [{category: Chung, count: 2}]}
"""


def zipped(files: dict[str, str | bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, content in files.items():
            zf.writestr(name, content)
    return out.getvalue()


def good_files() -> dict:
    return {
        "pack.yaml": MANIFEST,
        "banks/b.yaml": BANK,
        "courses/c/course.yaml": COURSE,
        "courses/c/lessons/l1.md": "Xin chào ![ảnh](../media/anh.svg)",
        "courses/c/media/anh.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
        "courses/c/media/tai-lieu.pdf": b"%PDF-1.4 test",
    }


class ContentPackTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_frameworks()

    def setUp(self):
        translation.activate("en")
        self.addCleanup(translation.deactivate)

    def test_a_pack_imports_courses_banks_files_and_images(self):
        report = import_pack(Source.from_zip(zipped(good_files())))
        self.assertEqual(report.status, "created", report.pack.problems)
        course = Course.objects.get(key="khoa-thu")
        self.assertEqual(course.lesson_count, 3)
        self.assertEqual(course.quiz_count, 1)
        self.assertEqual([c.ref for c in course.competences.all()], ["tt02-2025:4.2"])
        lesson = Lesson.objects.get(key="l1")
        image = LessonFile.objects.get(lesson=lesson)
        self.assertFalse(image.is_download)
        self.assertIn(f'src="/learn/file/{image.pk}/anh.svg"', lesson.body_html)
        self.assertTrue(LessonFile.objects.get(name="tai-lieu.pdf").is_download)
        self.assertEqual(Question.objects.filter(bank__key="goi-thu").count(), 2)

    def test_importing_a_changed_pack_again_updates_in_place(self):
        import_pack(Source.from_zip(zipped(good_files())))
        iris = dict(Lesson.objects.values_list("key", "iri"))
        files = good_files()
        files["courses/c/course.yaml"] = COURSE.replace("title: Bài 1", "title: Bài một (sửa)")
        files["pack.yaml"] = MANIFEST.replace("1.0.0", "1.1.0")
        report = import_pack(Source.from_zip(zipped(files)))
        self.assertEqual(report.status, "updated")
        self.assertEqual(Course.objects.count(), 1)
        self.assertEqual(QuestionBank.objects.count(), 1)
        self.assertEqual(Lesson.objects.get(key="l1").title, "Bài một (sửa)")
        self.assertEqual(dict(Lesson.objects.values_list("key", "iri")), iris)
        self.assertEqual(ContentPack.objects.get().version, "1.1.0")
        self.assertEqual(import_pack(Source.from_zip(zipped(files))).status, "unchanged")

    def test_a_broken_pack_is_rejected_with_every_problem_and_nothing_is_written(self):
        files = good_files()
        files["courses/c/course.yaml"] = (
            COURSE.replace("competences: [tt02-2025:4.2]", "competences: [tt02-2025:9.9]")
            .replace("file: lessons/l1.md", "file: lessons/missing.md")
            .replace("category: Chung, count: 2", "category: Không có, count: 2")
        )
        files["banks/b.yaml"] = BANK.replace("answer: true", "answer: maybe")
        report = import_pack(Source.from_zip(zipped(files)))
        self.assertEqual(report.status, "rejected")
        messages = [str(p) for p in report.pack.problems]
        self.assertTrue(any("courses/c/course.yaml:1" in m and "tt02-2025:9.9" in m for m in messages), messages)
        self.assertTrue(any("lessons/missing.md" in m for m in messages), messages)
        self.assertTrue(any("Không có" in m for m in messages), messages)
        self.assertTrue(any(m.startswith("banks/b.yaml:4") and "answer: true" in m for m in messages), messages)
        self.assertFalse(Course.objects.exists())
        self.assertFalse(QuestionBank.objects.exists())
        self.assertFalse(ContentPack.objects.exists())

    def test_a_zip_with_an_unsafe_path_is_refused(self):
        files = good_files()
        files["../evil.txt"] = "x"
        with self.assertRaisesMessage(ValueError, "unsafe path"):
            Source.from_zip(zipped(files))

    def test_a_manifest_of_another_format_is_reported(self):
        report = import_pack(Source.from_zip(zipped({"pack.yaml": "format: scorm\n"})))
        messages = [str(p) for p in report.pack.problems]
        self.assertIn("pack.yaml:1: “format” must be “hocvuso-content-pack”", messages)


class ExportPackTests(BaseTestCase):
    def test_an_exported_course_imports_back_into_the_same_course(self):
        course, lessons = make_course(owner=self.lienminh)
        actions.add_lesson_file(lesson=lessons[0], name="so-tay.pdf", content=b"%PDF-1.4 so tay", title="Sổ tay")
        data = export_course_pack(course, version="2.0.0")
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        self.assertIn("pack.yaml", names)
        self.assertIn("courses/an-toan-thu/course.yaml", names)
        report = import_pack(Source.from_zip(data))
        self.assertEqual(report.status, "created", report.pack.problems)
        self.assertEqual(Course.objects.count(), 1)
        self.assertEqual(Lesson.objects.filter(course=course).count(), 3)
        self.assertEqual(LessonFile.objects.get(name="so-tay.pdf").title, "Sổ tay")
        course.refresh_from_db()
        self.assertEqual(course.pack.version, "2.0.0")
        self.assertEqual(course.owner, self.lienminh)
