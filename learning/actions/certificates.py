"""Certificates: issued on completion, rendered to PDF, verified publicly, revoked with a reason."""

from __future__ import annotations

import io
import secrets
import zipfile
from pathlib import Path

import segno
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from audit.actions import record_event as audit
from learning.models import Certificate, Course
from org.models import Unit, UnitKind
from people.models import Membership

# Crockford's base 32: no I, L, O or U, so a code read aloud or typed from paper is unambiguous.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PREFIX = "HVS"
FONT_DIR = Path(getattr(settings, "LEARNING_CERTIFICATE_FONT_DIR", "/usr/share/fonts/truetype/dejavu"))


def new_code() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"{PREFIX}-{body[:4]}-{body[4:]}"


def normalise_code(text: str) -> str:
    """What someone typed (or scanned) to the canonical form: "hvs 7k3q-9xpa" -> "HVS-7K3Q-9XPA"."""
    raw = "".join(ch for ch in str(text).upper() if ch.isalnum())
    raw = raw.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))
    if raw.startswith("HV5"):
        raw = "HVS" + raw[3:]
    if len(raw) == len(PREFIX) + 8 and raw.startswith(PREFIX):
        raw = raw[len(PREFIX) :]
    if len(raw) != 8 or any(ch not in ALPHABET for ch in raw):
        return ""
    return f"{PREFIX}-{raw[:4]}-{raw[4:]}"


def issuing_unit(person, course: Course) -> Unit | None:
    """The course's owner, else the commune (or province) of the learner's main membership."""
    if course.owner_id:
        return course.owner
    membership = (
        Membership.objects.filter(person=person, ended_on__isnull=True)
        .select_related("unit")
        .order_by("-is_primary", "id")
        .first()
    )
    if membership is None:
        return None
    ids = membership.unit.ancestor_ids()
    units = {u.pk: u for u in Unit.objects.filter(pk__in=ids).select_related("kind")}
    for pk in reversed(ids):
        unit = units.get(pk)
        if unit and unit.kind.category in (UnitKind.Category.COMMUNE, UnitKind.Category.PROVINCE):
            return unit
    return membership.unit


@transaction.atomic
def issue_certificate(*, person, course: Course, at=None) -> Certificate:
    """The learner's valid certificate for the course, issuing one if there is none."""
    existing = Certificate.objects.filter(person=person, course=course, revoked_at__isnull=True).first()
    if existing:
        return existing
    unit = issuing_unit(person, course)
    for _try in range(5):
        try:
            with transaction.atomic():
                certificate = Certificate.objects.create(
                    code=new_code(),
                    person=person,
                    course=course,
                    unit=unit,
                    holder_name=person.full_name,
                    course_title=course.title,
                    unit_name=unit.name if unit else "",
                    issued_at=at or timezone.now(),
                )
            if getattr(settings, "LEARNING_SITE_URL", ""):
                # The QR code needs the site's address; without it the PDF is made at the first download.
                transaction.on_commit(lambda pk=certificate.pk: _render_later(pk))
            return certificate
        except IntegrityError:
            # A code collision (one in a trillion) or a parallel request that issued first.
            existing = Certificate.objects.filter(person=person, course=course, revoked_at__isnull=True).first()
            if existing:
                return existing
    raise RuntimeError("could not allocate a certificate code")


def _render_later(certificate_id: int) -> None:
    from learning.tasks import render_certificate

    render_certificate.enqueue(certificate_id)


@transaction.atomic
def revoke_certificate(*, certificate: Certificate, reason: str, actor) -> Certificate:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for revoking the certificate.")})
    if certificate.revoked_at:
        raise ValidationError(_("This certificate was already revoked."))
    certificate.revoked_at = timezone.now()
    certificate.revoked_reason = reason
    certificate.revoked_by = actor if getattr(actor, "is_authenticated", False) else None
    certificate.save(update_fields=["revoked_at", "revoked_reason", "revoked_by"])
    audit(
        actor=actor,
        action="certificate.revoke",
        target_type="certificate",
        target_id=certificate.pk,
        target_label=f"{certificate.code} {certificate.holder_name}",
        unit_path=certificate.unit.path if certificate.unit_id else "",
        changes={"reason": [None, reason]},
    )
    return certificate


def verify_url(certificate: Certificate, base_url: str = "") -> str:
    base = (getattr(settings, "LEARNING_SITE_URL", "") or base_url or "").rstrip("/")
    return f"{base}/verify/{certificate.code}"


def render_pdf(certificate: Certificate, base_url: str = "") -> bytes:
    """The certificate as an A4 landscape PDF, in Vietnamese, with the DejaVu fonts embedded."""
    from weasyprint import HTML

    url = verify_url(certificate, base_url)
    qr = segno.make(url, error="m")
    issued = timezone.localtime(certificate.issued_at)
    with override("vi"):
        html = render_to_string(
            "learning/certificate_pdf.html",
            {
                "c": certificate,
                "qr": qr.svg_data_uri(scale=4, border=1),
                "verify_url": url,
                "issued": issued,
                "font_regular": (FONT_DIR / "DejaVuSans.ttf").as_uri(),
                "font_bold": (FONT_DIR / "DejaVuSans-Bold.ttf").as_uri(),
                "font_serif_bold": (FONT_DIR / "DejaVuSerif-Bold.ttf").as_uri(),
            },
        )
    return HTML(string=html).write_pdf()


def certificate_pdf(certificate: Certificate, base_url: str = "") -> bytes:
    """The stored PDF, rendered and stored the first time it is asked for."""
    if certificate.pdf:
        try:
            with certificate.pdf.open("rb") as f:
                return f.read()
        except FileNotFoundError:
            pass
    data = render_pdf(certificate, base_url)
    certificate.pdf.save(f"{certificate.code}.pdf", ContentFile(data), save=False)
    Certificate.objects.filter(pk=certificate.pk).update(pdf=certificate.pdf.name)
    return data


def certificates_zip(certificates, base_url: str = "") -> bytes:
    """Every certificate given as PDFs in one zip (bulk printing for a class or a unit)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for c in certificates:
            zf.writestr(f"{c.code}.pdf", certificate_pdf(c, base_url))
    return out.getvalue()


@transaction.atomic
def issue_for_completers(*, course: Course, person_ids) -> list[Certificate]:
    """Certificates for everyone among ``person_ids`` who completed the course (issuing missing ones)."""
    from learning.models import CourseProgress

    done = CourseProgress.objects.filter(
        course=course, person_id__in=person_ids, completed_at__isnull=False
    ).select_related("person")
    return [issue_certificate(person=cp.person, course=course, at=cp.completed_at) for cp in done]


def download_path(certificate: Certificate) -> str:
    return reverse("learning:certificate_pdf", args=[certificate.code])
