"""Assumption pages: recorded and checked from the sprint or hypothesis they
belong to (the sprint page shows them through apps.hypotheses.sections, the
hypothesis page itself). Objects are found through the access functions,
changes go through the services inside `errors_on(form)` or
`flash_errors(request)`; a stale mark is a 409."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from apps.accounts.permissions import Action, allows, require
from apps.core.forms import errors_on, form_status
from apps.core.http import flash_errors, posted, posted_version
from apps.hypotheses import services
from apps.hypotheses.access import access_assumption, access_hypothesis
from apps.hypotheses.forms import AssumptionForm, FollowUpFormSet, WrongForm
from apps.products.access import get_product
from apps.sprints.access import access_sprint
from apps.sprints.selectors import open_stages

RECORD = Action.RECORD_ASSUMPTIONS


def _back(product, owner):
    """To the assumptions on the sprint's or hypothesis's page (`owner`: one of those, or an assumption)."""
    owner = getattr(owner, "sprint", None) or getattr(owner, "hypothesis", None) or owner
    return redirect(f"{owner.get_absolute_url()}#assumptions") if owner is not None else redirect(product)


@login_required
@require_POST
def assumption_add(request, product_slug, sprint_id):
    product = get_product(request.user, product_slug, RECORD)
    return _record(request, product, sprint=access_sprint(request.user, product, sprint_id, RECORD))


@login_required
@require_POST
def hypothesis_assumption_add(request, product_slug, number):
    product = get_product(request.user, product_slug, RECORD)
    hypothesis = access_hypothesis(request.user, product, number, Action.VIEW_HYPOTHESES)
    return _record(request, product, hypothesis=hypothesis)


def _record(request, product, *, sprint=None, hypothesis=None):
    """Record the posted assumption on the sprint or the hypothesis, and go back to it."""
    form = AssumptionForm(request.POST)
    if form.is_valid():
        with flash_errors(request):
            services.assumption_record(actor=request.user, sprint=sprint, hypothesis=hypothesis, **form.cleaned_data)
            messages.success(request, "Assumption recorded.")
    else:
        messages.error(request, "Say what you assume and choose a category.")
    return _back(product, sprint or hypothesis)


@login_required
@require_POST
def assumption_held(request, product_slug, assumption_id):
    product = get_product(request.user, product_slug, RECORD)
    assumption = access_assumption(request.user, product, assumption_id, RECORD)
    with flash_errors(request):
        services.assumption_mark_held(
            actor=request.user,
            assumption=assumption,
            note=request.POST.get("note", ""),
            expected_version=posted_version(request),
        )
        messages.success(request, "Marked as held.")
    return _back(product, assumption)


@login_required
def assumption_wrong(request, product_slug, assumption_id):
    """Mark an assumption wrong and say what extra work it causes."""
    product = get_product(request.user, product_slug, RECORD)
    assumption = access_assumption(request.user, product, assumption_id, RECORD)
    sprint = assumption.sprint
    into_sprint = allows(product.viewer_role, Action.PLAN_SPRINTS) and sprint is not None and not sprint.is_closed
    form = WrongForm(
        posted(request),
        into_sprint=into_sprint,
        stages=open_stages(sprint) if into_sprint and sprint is not None and sprint.is_staged else None,
        initial={"version": assumption.version},
    )
    follow_ups = FollowUpFormSet(posted(request), prefix="follow_ups")
    if request.method == "POST" and form.is_valid() and follow_ups.is_valid():
        data = form.cleaned_data
        if data["place"] == services.INTO_SPRINT:
            require(request.user, Action.PLAN_SPRINTS, product)  # work put into the sprint is planning it
        with errors_on(form):
            services.assumption_mark_wrong(
                actor=request.user,
                assumption=assumption,
                note=data["note"],
                place=data["place"],
                stage=data.get("stage"),
                follow_ups=[f.cleaned_data for f in follow_ups.forms if f.cleaned_data.get("title")],
                expected_version=data["version"],
            )
            messages.success(request, "Marked as wrong; the follow-up work is planned.")
            return _back(product, assumption)
    return TemplateResponse(
        request,
        "hypotheses/assumption_wrong.html",
        {"product": product, "assumption": assumption, "form": form, "follow_ups": follow_ups},
        status=form_status(form) if not follow_ups.is_bound or follow_ups.is_valid() else 400,
    )
