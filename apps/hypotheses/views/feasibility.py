"""Feasibility assessments (the team's): of an epic or a hypothesis, with
the PM's go / no-go decision."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from apps.accounts.permissions import Action, can, require
from apps.core.forms import errors_on, form_status
from apps.core.http import posted
from apps.hypotheses import access, services
from apps.hypotheses.forms import DecisionForm, FeasibilityForm
from apps.products.access import get_product

ASSESS = Action.ASSESS_FEASIBILITY


def subject_of(user, product, text: str) -> dict:
    """{"epic": ...} for "#4" or "4", {"hypothesis": ...} for "H-2"; a 400 on "subject" otherwise."""
    text = (text or "").strip()
    if text.upper().startswith("H"):
        hypothesis = access.access_hypothesis_by_number(user, product, text, Action.VIEW_HYPOTHESES, field="subject")
        return {"hypothesis": hypothesis}
    return {"epic": access.access_epic(user, product, text, Action.VIEW_BACKLOG, field="subject")}


@login_required
def feasibility_list(request, product_slug):
    """Every assessment of the product, and (for the team) the form to assess an epic or hypothesis."""
    product = get_product(request.user, product_slug, Action.VIEW_HYPOTHESES)
    blockers = access.data_access_blockers(request.user, product)
    form = None
    if can(request.user, ASSESS, product):
        initial = {"subject": request.GET.get("subject", "")}
        form = FeasibilityForm(posted(request), blockers=blockers, initial=initial)
    if request.method == "POST":
        require(request.user, ASSESS, product)
        if form is not None and form.is_valid():
            with errors_on(form):
                subject = subject_of(request.user, product, form.cleaned_data["subject"])
                assessment = services.feasibility_create(
                    actor=request.user,
                    product=product,
                    blockers=form.cleaned_data["blockers"],
                    **subject,
                    **form.changes(),
                )
                messages.success(request, f"Assessed {assessment.subject_label}.")
                return redirect(assessment)
    assessments = Paginator(access.visible_feasibility(request.user, product), 50).get_page(request.GET.get("page"))
    context = {"product": product, "page": assessments, "form": form}
    return TemplateResponse(request, "hypotheses/feasibility_list.html", context, status=form_status(form))


@login_required
def feasibility_detail(request, product_slug, assessment_id):
    product = get_product(request.user, product_slug, Action.VIEW_HYPOTHESES)
    assessment = access.access_feasibility(request.user, product, assessment_id)
    blockers = access.data_access_blockers(request.user, product)
    form = None
    if can(request.user, ASSESS, product):
        form = FeasibilityForm(
            posted(request),
            blockers=blockers,
            editing=True,
            instance=assessment,
            initial={"version": assessment.version, "blockers": list(assessment.blockers.all())},
        )
    if request.method == "POST":
        require(request.user, ASSESS, product)
        if form is not None and form.is_valid():
            with errors_on(form):
                services.feasibility_update(
                    actor=request.user,
                    assessment=assessment,
                    expected_version=form.cleaned_data["version"],
                    blockers=form.cleaned_data["blockers"],
                    **form.changes(),
                )
                messages.success(request, "Assessment saved.")
                return redirect(assessment)
        assessment = access.access_feasibility(request.user, product, assessment_id)
    context = {
        "product": product,
        "assessment": assessment,
        "form": form,
        "decision_form": DecisionForm(
            initial={
                "decision": assessment.decision,
                "decision_reason": assessment.decision_reason,
                "version": assessment.version,
            }
        )
        if can(request.user, Action.DECIDE_FEASIBILITY, product)
        else None,
    }
    return TemplateResponse(request, "hypotheses/feasibility_detail.html", context, status=form_status(form))


@login_required
@require_POST
def feasibility_decide(request, product_slug, assessment_id):
    product = get_product(request.user, product_slug, Action.DECIDE_FEASIBILITY)
    assessment = access.access_feasibility(request.user, product, assessment_id, Action.DECIDE_FEASIBILITY)
    form = DecisionForm(request.POST)
    if form.is_valid():
        with errors_on(form):
            data = form.cleaned_data
            assessment = services.feasibility_decide(
                actor=request.user,
                assessment=assessment,
                decision=data["decision"],
                reason=data["decision_reason"],
                expected_version=data["version"],
            )
            messages.success(request, f"Decision recorded: {assessment.get_decision_display().lower()}.")
            return redirect(assessment)
    context = {
        "product": product,
        "assessment": access.access_feasibility(request.user, product, assessment_id),
        "form": None,
        "decision_form": form,
    }
    return TemplateResponse(request, "hypotheses/feasibility_detail.html", context, status=form_status(form))
