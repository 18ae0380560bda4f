"""The notifications page, the bell and the preferences page. Every row is
found through apps.notifications.access (only the person's own), changed
through services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from apps.core.forms import errors_on, form_status
from apps.core.http import page, posted
from apps.notifications import selectors, services
from apps.notifications.access import access_notification, visible_notifications
from apps.notifications.forms import PreferencesForm

PAGE_SIZE = 50


@login_required
def notification_list(request):
    unread_only = request.GET.get("show") == "unread"
    notifications = visible_notifications(request.user)
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    context = {
        "page": Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page")),
        "unread_only": unread_only,
    }
    return page(request, "notifications/list.html", context, fragment="results")


@login_required
def notification_open(request, notification_id):
    """Follow a notification to what it is about, marking it read on the way."""
    notification = access_notification(request.user, notification_id)
    services.notification_read(actor=request.user, notification=notification)
    if notification.link and url_has_allowed_host_and_scheme(notification.link, allowed_hosts=None):
        return redirect(notification.link)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_mark(request, notification_id):
    """Mark one read (read=1, the default) or unread again (read=0)."""
    notification = access_notification(request.user, notification_id)
    if request.POST.get("read", "1") == "0":
        services.notification_unread(actor=request.user, notification=notification)
    else:
        services.notification_read(actor=request.user, notification=notification)
    if request.htmx:
        response = TemplateResponse(request, "notifications/list.html#row", {"notification": notification})
        response["HX-Trigger"] = "notifications-changed"
        return response
    return redirect("notifications:list")


@login_required
@require_POST
def notifications_read_all(request):
    marked = services.notifications_read_all(actor=request.user)
    messages.success(request, f"Marked {marked} notification{'s' if marked != 1 else ''} read.")
    return redirect("notifications:list")


def bell(request):
    """The header's bell alone, for htmx to refresh it now and then. Signed
    out (a session that ended), nothing: no sign-in page swapped into a header."""
    if not request.user.is_authenticated:
        return HttpResponse(status=204)
    return TemplateResponse(
        request, "notifications/_bell.html", {"unread_notifications": selectors.unread_count(request.user)}
    )


@login_required
def preferences(request):
    form = PreferencesForm(posted(request), preferences=selectors.preferences_of(request.user))
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.preferences_set(actor=request.user, choices=form.choices())
            messages.success(request, "Your notification settings are saved.")
            return redirect("notifications:settings")
    return TemplateResponse(request, "notifications/settings.html", {"form": form}, status=form_status(form))
