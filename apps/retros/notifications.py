"""Sending the outbox: each SummaryEmail row becomes one email, once.

The row is locked while its email is sent and marked sent in the same
transaction, so a task that runs twice (a retry, a doubled delivery, the
sweep racing the on-commit task) sends nothing more.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from apps.core.outbox import lock_unsent, overdue
from apps.retros import documents, selectors
from apps.retros.models import SummaryEmail


def retro_emails_send(*, retro_id: int) -> int:
    pending = SummaryEmail.objects.filter(retro_id=retro_id, sent_at__isnull=True).values_list("pk", flat=True)
    return sum(summary_email_send(email_id=pk) for pk in list(pending))


def pending_emails_send(*, limit: int = 500) -> int:
    pending = overdue(SummaryEmail.objects.all()).values_list("pk", flat=True)[:limit]
    return sum(summary_email_send(email_id=pk) for pk in list(pending))


@transaction.atomic
def summary_email_send(*, email_id: int) -> bool:
    locked = lock_unsent(SummaryEmail.objects.all(), email_id)
    if locked is None:
        return False
    email = SummaryEmail.objects.select_related("recipient", "retro__product").get(pk=locked)
    retro = email.retro
    summary = selectors.retro_summary(retro)
    subject = f"[{retro.product.name}] Summary: {retro.title}"
    message = EmailMessage(
        # One line: a newline in a name would make the mail header invalid.
        subject=" ".join(subject.split())[:200],
        body=render_to_string(
            "retros/email/summary.txt",
            {
                "summary": summary,
                "recipient": email.recipient,
                "link": settings.PORTAL_BASE_URL + retro.get_absolute_url() + "summary/",
            },
        ),
        to=[email.recipient.email],
    )
    message.attach(f"{documents.file_name(retro)}.md", documents.summary_markdown(summary), "text/markdown")
    message.send()
    SummaryEmail.objects.filter(pk=locked).update(sent_at=timezone.now())
    return True
