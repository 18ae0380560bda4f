"""Emails of the happiness surveys: each person's invitation link (and the
one reminder), and each version of a report to the subscribers, once each.

The flag or version that records "sent" is set under a lock or a conditional
update in the same transaction as the send, so a task that runs twice (a
retry, a doubled delivery by the broker) mails nobody twice.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse

from apps.accounts.models import User
from apps.accounts.permissions import POLICY, Action
from apps.reports import documents, links
from apps.reports.models import HappinessReport, Invitation, SurveyRound


def invitations_send(*, round_id: int, reminder: bool = False) -> int:
    """Email each invitee of an open round their personal link (or the
    reminder), once each: a retried run skips those already mailed."""
    flag = "reminded" if reminder else "sent"
    pending = Invitation.objects.filter(round_id=round_id, round__status=SurveyRound.Status.OPEN, **{flag: False})
    if reminder:
        pending = pending.filter(answered=False)
    mailed = 0
    for invitation in pending.select_related("person", "round__survey__product"):
        with transaction.atomic():
            # The flag is set first under a conditional update, so two workers never both mail one person.
            if not Invitation.objects.filter(pk=invitation.pk, **{flag: False}).update(**{flag: True}):
                continue
            _mail_invitation(invitation, reminder=reminder)
        mailed += 1
    return mailed


def pending_emails_send() -> int:
    """The sweep: the emails whose queued task was lost (broker down, worker
    killed): invitations of open rounds not yet sent, reminders due but not
    sent to someone, report versions not yet emailed. Each still goes out
    once: the same flags and versions guard the sweep and the tasks."""
    open_rounds = SurveyRound.objects.filter(status=SurveyRound.Status.OPEN)
    unsent = open_rounds.filter(invitations__sent=False).distinct().values_list("pk", flat=True)
    unreminded = (
        open_rounds.filter(reminder_sent_at__isnull=False, invitations__reminded=False, invitations__answered=False)
        .distinct()
        .values_list("pk", flat=True)
    )
    mailed = sum(invitations_send(round_id=pk) for pk in list(unsent))
    mailed += sum(invitations_send(round_id=pk, reminder=True) for pk in list(unreminded))
    unemailed = HappinessReport.objects.filter(emailed_version__lt=F("version")).values_list("pk", "version")
    mailed += sum(report_email(report_id=pk, version=version) for pk, version in list(unemailed))
    return mailed


def _mail_invitation(invitation: Invitation, *, reminder: bool) -> None:
    if not invitation.person.email:
        return
    survey = invitation.round.survey
    context = {
        "invitation": invitation,
        "survey": survey,
        "round": invitation.round,
        "product": survey.product,
        "link": links.new_invitation_url(invitation, survey.product.slug),
        "reminder": reminder,
    }
    subject = f"{'Reminder: ' if reminder else ''}How happy are you with {survey.product.name}? (2 minutes, anonymous)"
    EmailMultiAlternatives(
        subject, render_to_string("reports/email/invitation.txt", context), to=[invitation.person.email]
    ).send()


@transaction.atomic
def report_email(*, report_id: int, version: int) -> int:
    """Email one version of a report to the product's subscribers, once."""
    report = (
        HappinessReport.objects.select_for_update(of=("self",))
        .select_related("round__survey__product")
        .get(pk=report_id)
    )
    if report.version != version or report.emailed_version >= version:
        return 0
    product = report.round.survey.product
    subscribers = User.objects.filter(
        is_active=True,
        report_subscriptions__product=product,
        memberships__product=product,
        memberships__role__in=list(POLICY[Action.VIEW_HAPPINESS_REPORTS]),
    ).exclude(email="")
    context = documents.document_context(report) | {
        "link": settings.PORTAL_BASE_URL + reverse("reports:report", args=[product.slug, report.round_id]),
    }
    subject = f"Happiness report: {product.name}, round {report.round.number}"
    text = render_to_string("reports/email/report.txt", context)
    html = render_to_string("reports/report_document.html", context)
    messages = []
    for person in subscribers:
        message = EmailMultiAlternatives(subject, text, to=[person.email])
        message.attach_alternative(html, "text/html")
        messages.append(message)
    get_connection().send_messages(messages)
    report.emailed_version = version
    report.save(update_fields=["emailed_version"])
    return len(messages)
