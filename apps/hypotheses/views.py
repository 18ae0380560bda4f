"""Assumption pages: recorded and checked from the sprint they belong to."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from apps.accounts.permissions import Action, can
from apps.core.exceptions import Conflict
from apps.core.forms import add_service_errors
from apps.core.http import posted
from apps.hypotheses import services
from apps.hypotheses.forms import AssumptionForm, FollowUpFormSet, WrongForm
from apps.hypotheses.models import Assumption
from apps.products.access import get_product
from apps.sprints.selectors import get_sprint


def _assumption(request, product_slug, assumption_id):
    product = get_product(request.user, product_slug, Action.RECORD_ASSUMPTIONS)
    assumption = get_object_or_404(Assumption.objects.select_related("sprint"), product=product, pk=assumption_id)
    return product, assumption


def _back(assumption_or_sprint):
    sprint = getattr(assumption_or_sprint, "sprint", assumption_or_sprint)
    return redirect(f"{sprint.get_absolute_url()}#assumptions")


@login_required
@require_POST
def assumption_add(request, product_slug, sprint_id):
    product = get_product(request.user, product_slug, Action.RECORD_ASSUMPTIONS)
    sprint = get_sprint(product, sprint_id)
    form = AssumptionForm(request.POST)
    if form.is_valid():
        try:
            services.assumption_record(actor=request.user, sprint=sprint, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Assumption recorded.")
    else:
        messages.error(request, "Say what you assume and choose a category.")
    return _back(sprint)


@login_required
@require_POST
def assumption_held(request, product_slug, assumption_id):
    _, assumption = _assumption(request, product_slug, assumption_id)
    try:
        services.assumption_mark_held(
            actor=request.user,
            assumption=assumption,
            note=request.POST.get("note", ""),
            expected_version=_version(request),
        )
    except (ValidationError, Conflict) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, "Marked as held.")
    return _back(assumption)


@login_required
def assumption_wrong(request, product_slug, assumption_id):
    """Mark an assumption wrong and say what extra work it causes."""
    product, assumption = _assumption(request, product_slug, assumption_id)
    sprint = assumption.sprint
    may_plan = can(request.user, Action.PLAN_SPRINTS, product) and sprint is not None and not sprint.is_closed
    stages = sprint.stages.filter(closed_at__isnull=True) if may_plan and sprint.is_staged else None
    form = WrongForm(posted(request), stages=stages)
    if not may_plan:
        form.fields["place"].choices = [("backlog", services.PLACES["backlog"])]
    follow_ups = FollowUpFormSet(posted(request), prefix="follow_ups")
    if request.method == "POST" and form.is_valid() and follow_ups.is_valid():
        try:
            services.assumption_mark_wrong(
                actor=request.user,
                assumption=assumption,
                note=form.cleaned_data["note"],
                place=form.cleaned_data["place"],
                stage=form.cleaned_data.get("stage"),
                follow_ups=[f.cleaned_data for f in follow_ups.forms if f.cleaned_data.get("title")],
                expected_version=_version(request),
            )
        except (ValidationError, Conflict) as exc:
            add_service_errors(form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
        else:
            messages.success(request, "Marked as wrong; the follow-up work is planned.")
            return _back(assumption)
    return TemplateResponse(
        request,
        "hypotheses/assumption_wrong.html",
        {"product": product, "assumption": assumption, "form": form, "follow_ups": follow_ups},
        status=400 if form.errors or follow_ups.errors else 200,
    )


def _version(request) -> int | None:
    try:
        return int(request.POST["version"])
    except (KeyError, ValueError):
        return None
