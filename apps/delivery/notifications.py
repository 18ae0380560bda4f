"""Emails of delivery reports, from the outbox: each DeliveryEmail row (one per
report version and subscriber) becomes one email, once. The row is locked while
its email is sent and marked sent in the same transaction, so a task that runs
twice, or the sweep racing it, sends nothing more."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from apps.core.outbox import lock_unsent, overdue
from apps.delivery import documents
from apps.delivery.models import DeliveryEmail, DeliveryReport


def report_emails_send(*, report_id: int) -> int:
    pending = DeliveryEmail.objects.filter(report_id=report_id, sent_at__isnull=True).values_list("pk", flat=True)
    sent = sum(email_send(email_id=pk) for pk in list(pending))
    _mark_emailed(report_id)
    return sent


def pending_emails_send(*, limit: int = 500) -> int:
    """The sweep: emails whose on-commit task never ran."""
    pending = list(overdue(DeliveryEmail.objects.all()).values_list("pk", "report_id")[:limit])
    sent = sum(email_send(email_id=pk) for pk, _ in pending)
    for report_id in {report_id for _, report_id in pending}:
        _mark_emailed(report_id)
    return sent


@transaction.atomic
def email_send(*, email_id: int) -> bool:
    locked = lock_unsent(DeliveryEmail.objects.all(), email_id)
    if locked is None:
        return False
    email = DeliveryEmail.objects.select_related("person", "report__product").get(pk=locked)
    report = email.report
    if email.version == report.version and email.person.email:
        context = documents.document_context(report) | {
            "link": settings.PORTAL_BASE_URL + report.get_absolute_url(),
        }
        message = EmailMultiAlternatives(
            " ".join(f"Delivery report: {report.product.name}, {report.title}".split())[:200],
            render_to_string("delivery/email/report.txt", context),
            to=[email.person.email],
        )
        message.attach_alternative(render_to_string("delivery/report_document.html", context), "text/html")
        message.send()
    # An older version superseded before it went out is not worth an email: the newer one follows.
    DeliveryEmail.objects.filter(pk=locked).update(sent_at=timezone.now())
    return True


def _mark_emailed(report_id: int) -> None:
    report = DeliveryReport.objects.filter(pk=report_id).values("version").first()
    if (
        report
        and not DeliveryEmail.objects.filter(report_id=report_id, version=report["version"], sent_at=None).exists()
    ):
        DeliveryReport.objects.filter(pk=report_id, emailed_version__lt=F("version")).update(
            emailed_version=report["version"]
        )
