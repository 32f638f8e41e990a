import re
import zlib

from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from hocvuso.testing import BaseTestCase
from learning import actions
from learning.actions.certificates import normalise_code, render_pdf
from learning.tests.factories import make_course


def pdf_streams(data: bytes) -> list[bytes]:
    out = []
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            out.append(zlib.decompress(m.group(1)))
        except zlib.error:
            out.append(m.group(1))
    return out


def mapped_characters(data: bytes) -> set[str]:
    """Characters the PDF's ToUnicode maps give text for (what a reader can copy out of it)."""
    chars = set()
    for stream in pdf_streams(data):
        if b"beginbfchar" not in stream and b"beginbfrange" not in stream:
            continue
        for target in re.findall(rb"<[0-9A-Fa-f]+>\s*<([0-9A-Fa-f]+)>", stream):
            chars.update(bytes.fromhex(target.decode()).decode("utf-16-be"))
    return chars


class CertificateTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.course, _lessons = make_course()

    def test_the_pdf_embeds_its_font_and_carries_the_vietnamese_text(self):
        certificate = actions.issue_certificate(person=self.p_huyen, course=self.course)
        data = render_pdf(certificate, base_url="https://hocvuso.example.vn/")
        self.assertTrue(data.startswith(b"%PDF"))
        joined = b"".join(pdf_streams(data)) + data
        self.assertTrue(b"FontFile2" in joined, "no embedded TrueType font")
        # The embedded font's own name table (UTF-16) says which font it is.
        self.assertTrue("DejaVuSans".encode("utf-16-be") in joined, "DejaVu Sans is not embedded")
        chars = mapped_characters(data)
        for text in ("Trần Thị Huyền", "GIẤY CHỨNG NHẬN", "Xã Liên Minh", certificate.code, "An toàn thông tin"):
            self.assertLessEqual(set(text) - {" "}, chars, text)

    def test_a_certificate_is_issued_once_per_learner_and_course(self):
        first = actions.issue_certificate(person=self.p_mai, course=self.course)
        again = actions.issue_certificate(person=self.p_mai, course=self.course)
        self.assertEqual(first.pk, again.pk)
        self.assertRegex(first.code, r"^HVS-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")

    def test_the_issuing_unit_is_the_learners_commune_for_a_national_course(self):
        certificate = actions.issue_certificate(person=self.p_mai, course=self.course)
        self.assertEqual(certificate.unit, self.lienminh)

    def test_codes_typed_by_hand_are_understood(self):
        self.assertEqual(normalise_code(" hvs 7k3q-9xpa "), "HVS-7K3Q-9XPA")
        self.assertEqual(normalise_code("HVS-7K3Q-9XPO"), "HVS-7K3Q-9XP0")
        self.assertEqual(normalise_code("7K3Q9XPA"), "HVS-7K3Q-9XPA")
        self.assertEqual(normalise_code("HVS-123"), "")

    def test_revoking_needs_a_reason_and_is_audited(self):
        from django.core.exceptions import ValidationError

        from audit.models import AuditEvent

        certificate = actions.issue_certificate(person=self.p_mai, course=self.course)
        with self.assertRaises(ValidationError):
            actions.revoke_certificate(certificate=certificate, reason="  ", actor=self.minh)
        actions.revoke_certificate(certificate=certificate, reason="Thi hộ", actor=self.minh)
        certificate.refresh_from_db()
        self.assertIsNotNone(certificate.revoked_at)
        self.assertTrue(AuditEvent.objects.filter(action="certificate.revoke", target_id=str(certificate.pk)).exists())
        # A new certificate can be issued after a revocation.
        self.assertNotEqual(actions.issue_certificate(person=self.p_mai, course=self.course).pk, certificate.pk)


@override_settings(ROOT_URLCONF="learning.tests.urls")
class VerifyPageTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.course, _lessons = make_course()
        cls.certificate = actions.issue_certificate(person=cls.p_mai, course=cls.course)

    def setUp(self):
        translation.activate("vi")
        self.addCleanup(translation.deactivate)

    def test_a_genuine_code_is_confirmed_with_only_what_the_certificate_says(self):
        response = self.client.get(f"/verify/{self.certificate.code}")
        self.assertContains(response, "Giấy chứng nhận này là thật.")
        self.assertContains(response, "Nguyễn Thị Mai")
        for private in ("001185012345", "12/04/1985", "Trường Tiểu học"):
            self.assertNotContains(response, private)
        self.assertEqual(response["X-Robots-Tag"], "noindex")

    def test_an_unknown_code_is_denied(self):
        response = self.client.get("/verify/HVS-0000-0000")
        self.assertEqual(response.status_code, 404)
        self.assertContains(response, "Không có giấy chứng nhận nào mang mã này.", status_code=404)

    def test_a_revoked_certificate_is_reported_as_revoked_without_the_reason(self):
        actions.revoke_certificate(certificate=self.certificate, reason="Lý do riêng tư", actor=self.minh)
        response = self.client.get(f"/verify/{self.certificate.code}")
        self.assertContains(response, "đã bị thu hồi")
        self.assertNotContains(response, "Lý do riêng tư")
        self.assertNotContains(response, "Nguyễn Thị Mai")

    def test_a_code_typed_in_the_form_leads_to_the_certificate_page(self):
        response = self.client.get("/verify/", {"code": self.certificate.code.lower().replace("-", " ")})
        self.assertRedirects(response, f"/verify/{self.certificate.code}")

    def test_only_the_holder_and_course_staff_can_download_the_pdf(self):
        url = reverse("learning:certificate_pdf", args=[self.certificate.code])
        self.login(self.pleiku)
        self.assertEqual(self.client.get(url).status_code, 404)
        self.login(self.mai)
        self.assertEqual(self.client.get(url)["Content-Type"], "application/pdf")


class PrerenderTests(BaseTestCase):
    @override_settings(LEARNING_SITE_URL="https://hocvuso.example.vn")
    def test_with_the_sites_address_known_the_pdf_is_made_when_the_certificate_is_issued(self):
        import shutil
        import tempfile

        media = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, media, ignore_errors=True)
        course, _lessons = make_course()
        with override_settings(MEDIA_ROOT=media), self.captureOnCommitCallbacks(execute=True):
            certificate = actions.issue_certificate(person=self.p_mai, course=course)
        certificate.refresh_from_db()
        self.assertTrue(certificate.pdf.name.endswith(f"{certificate.code}.pdf"))
        chars = mapped_characters(open(f"{media}/{certificate.pdf.name}", "rb").read())
        self.assertLessEqual(set("hocvuso.example.vn/verify"), chars)
