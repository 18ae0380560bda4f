"""Happiness pages. Surveys, rounds and reports are reached through
apps.reports.access and changed through services, inside `errors_on(form)`
for a form and `flash_errors(request)` for a button; a stale edit answers 409
on the form (apps.core.forms.form_status). The personal survey link is its own
way in (`answer_link`, then `answer`): no sign-in, the random token is the key."""

from collections.abc import Iterator
from contextlib import contextmanager, suppress

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from apps.accounts.permissions import Action, allows, can
from apps.core.downloads import download
from apps.core.exceptions import Conflict
from apps.core.forms import errors_on, form_status
from apps.core.http import as_id, flash_errors, page, posted
from apps.products.access import get_product
from apps.reports import cadence, documents, links, selectors, services
from apps.reports.access import access_report_of_round, access_round, access_survey
from apps.reports.forms import ActionItemForm, ActionsForm, AnswerForm, SurveyForm
from apps.retros.selectors import health_trend

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
    return page(request, "reports/home.html", {"product": product, "subscribed": subscribed}, fragment="subscription")


@login_required
def survey_create(request, product_slug):
    product = get_product(request.user, product_slug, MANAGE)
    form = SurveyForm(posted(request))
    if form.is_bound and form.is_valid():
        with errors_on(form):
            survey = services.survey_create(actor=request.user, product=product, **form.cleaned_data)
            messages.success(request, f"“{survey.title}” is scheduled {cadence.describe(survey)}.")
            return redirect("reports:survey", product.slug, survey.pk)
    return TemplateResponse(
        request, "reports/survey_form.html", {"product": product, "form": form}, status=form_status(form)
    )


@login_required
def survey_detail(request, product_slug, survey_id):
    product = get_product(request.user, product_slug, VIEW)
    survey = access_survey(request.user, product, survey_id, MANAGE if request.method == "POST" else VIEW)
    form = None
    if can(request.user, MANAGE, product):
        form = SurveyForm(posted(request), survey=survey, every_weeks=cadence.every_weeks(survey))
        if form.is_bound and form.is_valid():
            changes = dict(form.cleaned_data)
            with errors_on(form):
                survey = services.survey_update(
                    actor=request.user, survey=survey, expected_version=changes.pop("version"), **changes
                )
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
        status=form_status(form),
    )


@login_required
@require_POST
def round_open(request, product_slug, survey_id):
    product = get_product(request.user, product_slug, MANAGE)
    survey = access_survey(request.user, product, survey_id, MANAGE)
    with _round_button(request):
        round_ = services.round_open_now(survey=survey, actor=request.user)
        messages.success(request, f"Round {round_.number} is open; {round_.invited_count} people are invited.")
    return redirect("reports:survey", product.slug, survey.pk)


@login_required
@require_POST
def round_close(request, product_slug, round_id):
    product = get_product(request.user, product_slug, MANAGE)
    round_ = access_round(request.user, product, round_id, MANAGE)
    with _round_button(request):
        services.round_close_now(round_=round_, actor=request.user)
        messages.success(request, f"Round {round_.number} is closed; its report is being built.")
    return redirect("reports:survey", product.slug, round_.survey_id)


@contextmanager
def _round_button(request) -> Iterator[None]:
    """The open and close buttons: a refusal (nobody to invite) is an error
    message; a round that someone or the schedule opened or closed meanwhile
    is a warning, since the page the person goes back to shows it as it is now."""
    try:
        with flash_errors(request):
            yield
    except Conflict as already:
        messages.warning(request, str(already))


@login_required
def report(request, product_slug, round_id):
    product = get_product(request.user, product_slug, VIEW)
    round_ = access_round(request.user, product, round_id)
    report = selectors.report_of(round_)
    context = {"product": product, "round": round_, "report": report}
    if report is not None:
        context |= _actions_context(report, product) | {"quotes": services.quotes_of(report)}
        if allows(product.viewer_role, Action.VIEW_RETROS):
            # The team's own health checks (retrospectives), as they stood when the round closed.
            context["health"] = health_trend(product, closed_by=round_.closed_at)
    return TemplateResponse(request, "reports/report.html", context)


@login_required
def report_download(request, product_slug, round_id, kind):
    product = get_product(request.user, product_slug, VIEW)
    report = access_report_of_round(request.user, product, round_id)
    content = documents.report_pdf(report) if kind == "pdf" else documents.report_html(report)
    return download(content, f"happiness-{product.slug}-round-{report.round.number}.{kind}")


@login_required
@require_POST
def report_rebuild(request, product_slug, round_id):
    product = get_product(request.user, product_slug, MANAGE)
    round_ = access_round(request.user, product, round_id, MANAGE)
    with flash_errors(request):
        services.report_rebuild(actor=request.user, round_=round_)
        messages.success(request, "The report is being rebuilt; reload in a moment.")
    return redirect("reports:report", product.slug, round_.pk)


@login_required
@require_POST
def report_publish(request, product_slug, round_id):
    """Publish the report's aggregates (and the quotes ticked) to the product's stakeholders, or stop."""
    product = get_product(request.user, product_slug, MANAGE)
    report = access_report_of_round(request.user, product, round_id, MANAGE)
    published = request.POST.get("published") == "1"
    with flash_errors(request):
        services.report_publish(
            actor=request.user, report=report, published=published, quotes=request.POST.getlist("quotes")
        )
        messages.success(request, "Published to stakeholders." if published else "No longer shown to stakeholders.")
    return redirect("reports:report", product.slug, round_id)


@login_required
@require_POST
def report_actions(request, product_slug, round_id):
    """Save "what we will do about it"; answers the htmx fragment of the section."""
    product = get_product(request.user, product_slug, MANAGE)
    report = access_report_of_round(request.user, product, round_id, MANAGE)
    form = ActionsForm(request.POST)
    if form.is_valid():
        with errors_on(form):
            report = services.report_actions_set(
                actor=request.user,
                report=report,
                note=form.cleaned_data["note"],
                item_numbers=form.cleaned_data["items"],
                expected_version=form.cleaned_data["actions_version"],
            )
            return _plan_saved(request, product, report)
    return _plan_page(request, product, report, actions_form=form)


@login_required
@require_POST
def report_item_create(request, product_slug, round_id):
    product = get_product(request.user, product_slug, MANAGE)
    report = access_report_of_round(request.user, product, round_id, MANAGE)
    form = ActionItemForm(request.POST)
    if form.is_valid():
        with errors_on(form):
            services.report_item_create(
                actor=request.user,
                report=report,
                title=form.cleaned_data["title"],
                kind=form.cleaned_data["kind"],
                expected_version=form.cleaned_data["actions_version"],
            )
            report.refresh_from_db(fields=["actions_version"])
            return _plan_saved(request, product, report)
    return _plan_page(request, product, report, item_form=form)


def _plan_saved(request, product, report):
    if not request.htmx:
        return redirect("reports:report", product.slug, report.round_id)
    return _plan_page(request, product, report)


def _plan_page(request, product, report, *, actions_form=None, item_form=None):
    """The plan section (htmx) or the whole report page, with the forms'
    errors: 400 for a refusal, 409 for a plan someone changed meanwhile."""
    context = {"round": report.round} | _actions_context(report, product, actions_form, item_form)
    return page(
        request, "reports/report.html", context, fragment="actions", status=form_status(actions_form, item_form)
    )


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


def _with_links(invitations, product) -> list:
    invitations = list(invitations)
    for invitation in invitations:
        invitation.link = reverse("reports:answer-mine", args=[product.slug, invitation.round_id])
    return invitations


@never_cache
def answer_link(request, product_slug, token):
    """The personal link from the email. It only remembers the invitation in
    the session and redirects to the token-less answer page, so the token is
    in one request line only, never in a page's address, a Referer, a form
    post or a logged 4xx."""
    try:
        links.remember(request.session, product_slug, links.invitation_from_token(token, product_slug))
    except links.LinkProblem as problem:
        links.remember(request.session, product_slug, None)
        links.remember_problem(request.session, product_slug, problem)
    response = redirect("reports:answer", product_slug)
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
def answer_mine(request, product_slug, round_id):
    """The signed-in person's own way to a round they were invited to (the Happiness tab)."""
    product = get_product(request.user, product_slug, Action.VIEW_PRODUCT)
    round_pk = as_id(round_id)
    invitation = selectors.open_invitations_of(request.user, product).filter(round_id=round_pk).first()
    if invitation is None:
        raise Http404("You have no open invitation to this round.")
    links.remember(request.session, product.slug, invitation)
    return redirect("reports:answer", product.slug)


@never_cache
def answer(request, product_slug):
    """The survey of the invitation remembered in the session. No sign-in: the
    personal link was the key, and the answer is sealed without the person."""
    try:
        problem = links.remembered_problem(request.session, product_slug)
        if problem is not None:
            raise problem
        invitation_id = links.remembered(request.session, product_slug)
        if invitation_id is None:
            raise links.LinkProblem(*links.INVALID)
        invitation = links.usable(invitation_id, product_slug)
    except links.LinkProblem as problem:
        links.remember(request.session, product_slug, None)
        return TemplateResponse(request, "reports/link_problem.html", {"problem": problem}, status=problem.status)
    survey = invitation.round.survey
    form = AnswerForm(posted(request), capabilities=survey.capabilities)
    if form.is_bound and form.is_valid():
        with errors_on(form):
            services.answer_submit(invitation=invitation, **form.answers())
            links.remember(request.session, product_slug, None)
            return redirect(reverse("reports:answered", args=[product_slug]))
    return TemplateResponse(
        request,
        "reports/answer.html",
        {"survey": survey, "round": invitation.round, "survey_product": survey.product, "form": form},
        status=form_status(form),
    )


def answered(request, product_slug):
    """Thanks, and a way on: the product's page (signing in first if need be)."""
    product = None
    if request.user.is_authenticated:
        with suppress(Http404, PermissionDenied):
            product = get_product(request.user, product_slug, Action.VIEW_PRODUCT)
    context = {"product": product, "product_url": reverse("products:detail", args=[product_slug])}
    return TemplateResponse(request, "reports/answered.html", context)
