from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from apps.accounts.permissions import Action, can
from apps.core.exceptions import Conflict
from apps.core.forms import add_service_errors
from apps.products.access import get_product
from apps.reports import cadence, documents, links, selectors, services, tasks
from apps.reports.forms import ActionItemForm, ActionsForm, AnswerForm, SurveyForm

VIEW = Action.VIEW_HAPPINESS_REPORTS
MANAGE = Action.MANAGE_SURVEYS


@login_required
def home(request, product_slug):
    product = get_product(request.user, product_slug, VIEW)
    return TemplateResponse(
        request,
        "reports/home.html",
        {
            "product": product,
            "surveys": selectors.surveys_of(product),
            "rounds": selectors.rounds_of(product),
            "subscribed": selectors.is_subscribed(request.user, product),
            "my_invitations": _with_links(selectors.open_invitations_of(request.user, product), product),
        },
    )


@login_required
@require_POST
def subscription(request, product_slug):
    product = get_product(request.user, product_slug, VIEW)
    subscribed = services.subscription_set(
        actor=request.user, product=product, subscribed=request.POST.get("subscribed") == "1"
    )
    if not request.htmx:
        messages.success(request, "You will get the reports by email." if subscribed else "Unsubscribed.")
        return redirect("reports:home", product.slug)
    return TemplateResponse(request, "reports/home.html#subscription", {"product": product, "subscribed": subscribed})


@login_required
def survey_create(request, product_slug):
    product = get_product(request.user, product_slug, MANAGE)
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.survey_create(actor=request.user, product=product, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"“{survey.title}” is scheduled {cadence.describe(survey)}.")
            return redirect("reports:survey", product.slug, survey.pk)
    return TemplateResponse(
        request,
        "reports/survey_form.html",
        {"product": product, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def survey_detail(request, product_slug, survey_id):
    product = get_product(request.user, product_slug, VIEW)
    survey = selectors.survey_of(product, survey_id)
    form = None
    if can(request.user, MANAGE, product):
        form = SurveyForm(request.POST or None, survey=survey, every_weeks=cadence.every_weeks(survey))
    if request.method == "POST":
        get_product(request.user, product_slug, MANAGE)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                survey = services.survey_update(
                    actor=request.user, survey=survey, expected_version=data.pop("version"), **data
                )
            except (ValidationError, Conflict) as exc:
                _show_error(form, exc)
            else:
                messages.success(request, f"Saved. “{survey.title}” runs {cadence.describe(survey)}.")
                return redirect("reports:survey", product.slug, survey.pk)
    return TemplateResponse(
        request,
        "reports/survey_detail.html",
        {
            "product": product,
            "survey": survey,
            "cadence": cadence.describe(survey),
            "rounds": selectors.rounds_of(product, survey),
            "form": form,
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
@require_POST
def round_open(request, product_slug, survey_id):
    product = get_product(request.user, product_slug, MANAGE)
    survey = selectors.survey_of(product, survey_id)
    try:
        round_ = services.round_open(survey=survey, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if round_ is None:
            messages.warning(request, "A round of this survey is already open.")
        else:
            messages.success(request, f"Round {round_.number} is open; {round_.invited_count} people are invited.")
    return redirect("reports:survey", product.slug, survey.pk)


@login_required
@require_POST
def round_close(request, product_slug, round_id):
    product = get_product(request.user, product_slug, MANAGE)
    round_ = selectors.round_of(product, round_id)
    if services.round_close(round_=round_, actor=request.user):
        messages.success(request, f"Round {round_.number} is closed; its report is being built.")
    else:
        messages.warning(request, f"Round {round_.number} was already closed.")
    return redirect("reports:survey", product.slug, round_.survey_id)


@login_required
def report(request, product_slug, round_id):
    product = get_product(request.user, product_slug, VIEW)
    round_ = selectors.round_of(product, round_id)
    report = selectors.report_of(round_)
    context = {"product": product, "round": round_, "report": report}
    if report is not None:
        context |= _actions_context(report, product)
    return TemplateResponse(request, "reports/report.html", context)


@login_required
def report_download(request, product_slug, round_id, kind):
    product = get_product(request.user, product_slug, VIEW)
    round_ = selectors.round_of(product, round_id)
    report = selectors.report_of(round_)
    if report is None:
        raise Http404("This round has no report yet.")
    name = f"happiness-{product.slug}-round-{round_.number}"
    if kind == "pdf":
        response = HttpResponse(documents.report_pdf(report), content_type="application/pdf")
    else:
        response = HttpResponse(documents.report_html(report), content_type="text/html; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response


@login_required
@require_POST
def report_rebuild(request, product_slug, round_id):
    product = get_product(request.user, product_slug, MANAGE)
    round_ = selectors.round_of(product, round_id)
    if round_.is_open:
        messages.error(request, "A report is built once the round has closed.")
    else:
        transaction.on_commit(lambda: tasks.build_report.delay(round_.pk))
        messages.success(request, "The report is being rebuilt; reload in a moment.")
    return redirect("reports:report", product.slug, round_.pk)


@login_required
@require_POST
def report_actions(request, product_slug, round_id):
    """Save "what we will do about it"; answers the htmx fragment of the section."""
    product = get_product(request.user, product_slug, MANAGE)
    report = _report_or_404(product, round_id)
    form = ActionsForm(request.POST)
    if form.is_valid():
        try:
            report = services.report_actions_set(
                actor=request.user,
                report=report,
                note=form.cleaned_data["note"],
                item_numbers=form.cleaned_data["items"],
                expected_version=form.cleaned_data["actions_version"],
            )
        except (ValidationError, Conflict) as exc:
            _show_error(form, exc)
        else:
            form = None
    return _actions_response(request, product, report, actions_form=form)


@login_required
@require_POST
def report_item_create(request, product_slug, round_id):
    product = get_product(request.user, product_slug, MANAGE)
    report = _report_or_404(product, round_id)
    form = ActionItemForm(request.POST)
    if form.is_valid():
        try:
            services.report_item_create(
                actor=request.user,
                report=report,
                title=form.cleaned_data["title"],
                kind=form.cleaned_data["kind"],
                expected_version=form.cleaned_data["actions_version"],
            )
        except (ValidationError, Conflict) as exc:
            _show_error(form, exc)
        else:
            form = None
        report.refresh_from_db()
    return _actions_response(request, product, report, item_form=form)


def _report_or_404(product, round_id):
    report = selectors.report_of(selectors.round_of(product, round_id))
    if report is None:
        raise Http404("This round has no report yet.")
    return report


def _actions_context(report, product, actions_form=None, item_form=None) -> dict:
    items = selectors.action_items_of(report)
    return {
        "product": product,
        "report": report,
        "action_items": items,
        "actions_form": actions_form
        or ActionsForm(
            initial={
                "note": report.action_note,
                "items": ", ".join(str(item.number) for item in items),
                "actions_version": report.actions_version,
            }
        ),
        "item_form": item_form or ActionItemForm(initial={"actions_version": report.actions_version}),
    }


def _actions_response(request, product, report, **forms):
    failed = any(form is not None for form in forms.values())
    if not request.htmx:
        if failed:
            messages.error(request, "Not saved: " + " ".join(_errors(forms)))
        return redirect("reports:report", product.slug, report.round_id)
    return TemplateResponse(
        request,
        "reports/report.html#actions",
        _actions_context(report, product, **forms),
        status=400 if failed else 200,
    )


def _errors(forms) -> list[str]:
    return [message for form in forms.values() if form is not None for message in form.errors.get("__all__", [])] or [
        "check the form."
    ]


def _show_error(form, exc: ValidationError | Conflict) -> None:
    if isinstance(exc, Conflict):
        form.add_error(None, str(exc))
    else:
        add_service_errors(form, exc)


def _with_links(invitations, product) -> list:
    invitations = list(invitations)
    for invitation in invitations:
        invitation.link = links.invitation_path(invitation, product.slug)
    return invitations


@never_cache
def answer(request, product_slug, token):
    """The survey behind a personal link. No sign-in: the signed link is the
    person's key, and the answer is stored without them."""
    try:
        invitation = links.invitation_from_token(token, product_slug)
    except links.LinkProblem as problem:
        return _no_referrer(
            TemplateResponse(request, "reports/link_problem.html", {"problem": problem}, status=problem.status)
        )
    survey = invitation.round.survey
    form = AnswerForm(request.POST or None, capabilities=survey.capabilities)
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_submit(invitation=invitation, **form.answers())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _no_referrer(redirect(reverse("reports:answered", args=[product_slug])))
    return _no_referrer(
        TemplateResponse(
            request,
            "reports/answer.html",
            {"survey": survey, "round": invitation.round, "survey_product": survey.product, "form": form},
            status=400 if form.errors else 200,
        )
    )


def answered(request, product_slug):
    return TemplateResponse(request, "reports/answered.html", {})


def _no_referrer(response):
    # The personal link is in the URL: keep it out of Referer headers sent to
    # other sites ("no-referrer" would make the browser send Origin: null,
    # which fails the CSRF check of the answer form).
    response["Referrer-Policy"] = "same-origin"
    return response
