"""Background work of the learning app (run by the task worker that ``hocvuso serve`` starts)."""

from __future__ import annotations

from django.tasks import task


@task()
def render_certificate(certificate_id: int) -> None:
    """Render and store a newly issued certificate's PDF, so its first download is instant."""
    from learning.actions.certificates import certificate_pdf
    from learning.models import Certificate

    certificate = Certificate.objects.filter(pk=certificate_id, revoked_at__isnull=True).first()
    if certificate is not None and not certificate.pdf:
        certificate_pdf(certificate)
