"""Retrospective pages. Objects come through apps.retros.access, changes go
through apps.retros.services; a refusal that escapes a view is mapped by
apps.core.middleware (a message on the page, or for htmx in #messages).

The board is one page whose live part (#board-live) every browser polls
every two seconds with the board version it shows: an unchanged board is a
204 with no body, so a poll costs a few small queries. Polling, not
server-sent events: production runs a few gunicorn sync workers, and each
open event stream would hold one of them for as long as the page is open.

Card ids travel in POST bodies, not URLs, so request logs name no card.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_POST

from apps.accounts.permissions import Action
from apps.core.downloads import download
from apps.core.forms import error_text, errors_on, form_status
from apps.core.http import as_id, flash_errors, page, posted, posted_version
from apps.core.idempotency import idempotency_exempt
from apps.products.access import get_product
from apps.retros import access, documents, forms, selectors, services
from apps.retros.filters import ActionFilter
from apps.retros.models import PHASE_ORDER, ActionItem, Phase, Retrospective
from apps.retros.writers import with_writer_secret
from apps.sprints.access import access_sprint, access_stage

ACTIONS_PER_PAGE = 50
RETROS_PER_PAGE = 30

# --- Lists, creation, settings -----------------------------------------------------


@login_required
def retro_list(request, product_slug):
    product = get_product(request.user, product_slug, Action.VIEW_RETROS)
    retros = Paginator(selectors.retro_list(product), RETROS_PER_PAGE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "retros/retro_list.html",
        {
            "product": product,
            "page": retros,
            "overdue": selectors.overdue_actions(product)[:20],
        },
    )


@login_required
def retro_create(request, product_slug):
    product = get_product(request.user, product_slug, Action.FACILITATE_RETRO)
    sprints = list(selectors.sprints_for_retros(product)[:30])
    stages = [stage for sprint in sprints if sprint.is_staged for stage in sprint.stages.all()]
    team = selectors.team_of(product)
    defaults = services.settings_of(product)
    form = forms.RetroForm(
        posted(request),
        sprints=sprints,
        stages=stages,
        team=team,
        custom_formats=access.visible_formats(request.user, product),
        initial={
            "sprint": as_id(request.GET.get("sprint")) or (sprints[0].pk if sprints else None),
            "votes_per_person": defaults.votes_per_person,
            "several_votes_per_theme": defaults.several_votes_per_theme,
            "facilitator": request.user.pk,
            "health_check": True,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with errors_on(form):
            sprint = access_sprint(request.user, product, data["sprint"], Action.FACILITATE_RETRO, field="sprint")
            stage = (
                access_stage(
                    request.user, product, data["stage"], Action.FACILITATE_RETRO, sprint=sprint, field="stage"
                )
                if data["stage"]
                else None
            )
            retro = services.retro_create(
                actor=request.user,
                product=product,
                sprint=sprint,
                stage=stage,
                title=data["title"],
                format_key=data["format_key"],
                votes_per_person=data["votes_per_person"],
                several_votes_per_theme=data["several_votes_per_theme"],
                facilitator=selectors.team_member(product, data["facilitator"]),
                health_check=data["health_check"],
            )
            messages.success(request, f"“{retro.title}” is open.")
            return redirect(retro)
    return TemplateResponse(
        request,
        "retros/retro_form.html",
        {"product": product, "form": form, "has_sprints": bool(sprints)},
        status=form_status(form),
    )


@login_required
def retro_settings(request, product_slug):
    """Defaults for new retros, the product's own board layouts and its health-check dimensions."""
    product = get_product(request.user, product_slug, Action.FACILITATE_RETRO)
    current = services.settings_of(product)
    form = forms.SettingsForm(posted(request), instance=current, initial={"version": current.version})
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.settings_update(
                actor=request.user,
                product=product,
                expected_version=form.cleaned_data["version"] if current.pk else None,
                votes_per_person=form.cleaned_data["votes_per_person"],
                several_votes_per_theme=form.cleaned_data["several_votes_per_theme"],
                health_min_answers=form.cleaned_data["health_min_answers"],
            )
            messages.success(request, "Retrospective settings saved.")
            return redirect("retros:settings", product.slug)
    return _settings_page(request, product, settings_form=form)


def _settings_page(request, product, *, settings_form=None, format_form=None, dimension_form=None):
    current = services.settings_of(product)
    forms_shown = {
        "settings_form": settings_form or forms.SettingsForm(instance=current, initial={"version": current.version}),
        "format_form": format_form or forms.FormatForm(),
        "dimension_form": dimension_form or forms.DimensionForm(),
    }
    return TemplateResponse(
        request,
        "retros/settings.html",
        {
            "product": product,
            "formats": access.visible_formats(request.user, product),
            "dimensions": services.dimensions_of(product, active_only=False),
            **forms_shown,
        },
        status=form_status(*forms_shown.values()),
    )


@login_required
@require_POST
def format_save(request, product_slug):
    product = get_product(request.user, product_slug, Action.FACILITATE_RETRO)
    form = forms.FormatForm(request.POST)
    if form.is_valid():
        with errors_on(form):
            saved = services.format_save(actor=request.user, product=product, **form.cleaned_data)
            messages.success(request, f"Board layout “{saved.name}” saved.")
            return redirect("retros:settings", product.slug)
    return _settings_page(request, product, format_form=form)


@login_required
@require_POST
def format_delete(request, product_slug, format_id):
    product = get_product(request.user, product_slug, Action.FACILITATE_RETRO)
    board_format = access.access_format(request.user, product, format_id)
    services.format_delete(actor=request.user, board_format=board_format)
    messages.success(request, f"Board layout “{board_format.name}” removed.")
    return redirect("retros:settings", product.slug)


@login_required
@require_POST
def dimension_add(request, product_slug):
    product = get_product(request.user, product_slug, Action.FACILITATE_RETRO)
    form = forms.DimensionForm(request.POST)
    if form.is_valid():
        with errors_on(form):
            dimension = services.dimension_add(actor=request.user, product=product, **form.cleaned_data)
            messages.success(request, f"Dimension “{dimension.name}” added to the health check.")
            return redirect("retros:settings", product.slug)
    return _settings_page(request, product, dimension_form=form)


@login_required
@require_POST
def dimension_update(request, product_slug, dimension_id):
    """Rename or describe a dimension, or take it out of (and back into) future checks."""
    product = get_product(request.user, product_slug, Action.FACILITATE_RETRO)
    dimension = access.access_dimension(request.user, product, dimension_id)
    changes: dict = {}
    if "active" in request.POST:
        changes["active"] = request.POST["active"] == "1"
    if "name" in request.POST:
        form = forms.DimensionForm(request.POST)
        if not form.is_valid():
            return _settings_page(request, product, dimension_form=form)
        changes.update(form.cleaned_data)
    with flash_errors(request):
        services.dimension_update(actor=request.user, dimension=dimension, **changes)
        messages.success(request, f"Dimension “{dimension.name}” saved.")
    return redirect("retros:settings", product.slug)


# --- The board ---------------------------------------------------------------------


def _board_context(request, product, retro: Retrospective) -> dict:
    board = selectors.board(retro, request.user, request.retro_secret)
    team = selectors.team_of(product)
    facilitating = access.may_facilitate(request.user, retro)
    phase_index = PHASE_ORDER.index(Phase(retro.phase))
    return {
        "product": product,
        "retro": retro,
        "board": board,
        "team": team,
        "facilitating": facilitating,
        "may_hand_over": access.may_hand_over(request.user, retro),
        "next_phase": PHASE_ORDER[phase_index + 1] if phase_index + 1 < len(PHASE_ORDER) else None,
        "phases": [(p, i < phase_index, i == phase_index) for i, p in enumerate(PHASE_ORDER)],
        "own": board.own,
    }


@login_required
@with_writer_secret
def board(request, product_slug, retro_id):
    product = get_product(request.user, product_slug, Action.VIEW_RETROS)
    retro = access.access_retro(request.user, product, retro_id)
    request.retro_secret_used = True
    return page(request, "retros/board.html", _board_context(request, product, retro), fragment="live")


@login_required
@require_GET
@with_writer_secret
def board_live(request, product_slug, retro_id):
    """What each browser fetches every two seconds: 204 while the board has not moved."""
    if as_id(request.GET.get("since")) == access.board_version(request.user, product_slug, retro_id):
        return HttpResponse(status=204)
    product = get_product(request.user, product_slug, Action.VIEW_RETROS)
    retro = access.access_retro(request.user, product, retro_id)
    return TemplateResponse(request, "retros/board.html#live", _board_context(request, product, retro))


def _after_change(request, product, retro_id):
    """The fresh board: its live part for htmx, the whole page otherwise."""
    if request.htmx:
        retro = access.access_retro(request.user, product, retro_id)
        return TemplateResponse(request, "retros/board.html#live", _board_context(request, product, retro))
    return redirect("retros:board", product.slug, retro_id)


def _taking_part(request, product_slug, retro_id):
    product = get_product(request.user, product_slug, Action.TAKE_PART_IN_RETRO)
    return product, access.access_retro(request.user, product, retro_id, Action.TAKE_PART_IN_RETRO)


def _facilitating(request, product_slug, retro_id):
    product = get_product(request.user, product_slug, Action.TAKE_PART_IN_RETRO)
    return product, access.access_retro_to_facilitate(request.user, product, retro_id)


@login_required
@require_POST
@with_writer_secret
def phase_advance(request, product_slug, retro_id):
    product, retro = _facilitating(request, product_slug, retro_id)
    services.phase_advance(actor=request.user, retro=retro, to=request.POST.get("to", ""))
    return _after_change(request, product, retro_id)


@login_required
@require_POST
@with_writer_secret
def hand_over(request, product_slug, retro_id):
    product = get_product(request.user, product_slug, Action.TAKE_PART_IN_RETRO)
    retro = access.access_retro_to_hand_over(request.user, product, retro_id)
    person = selectors.team_member(product, as_id(request.POST.get("facilitator")))
    if person is None:
        messages.error(request, "Choose someone from the team.")
        return redirect(retro)
    services.retro_hand_over(
        actor=request.user, retro=retro, facilitator=person, expected_version=posted_version(request)
    )
    messages.success(request, f"{person} facilitates “{retro.title}” now.")
    return _after_change(request, product, retro_id)


@login_required
def retro_edit(request, product_slug, retro_id):
    product, retro = _facilitating(request, product_slug, retro_id)
    form = forms.RetroEditForm(
        posted(request),
        initial={
            "title": retro.title,
            "votes_per_person": retro.votes_per_person,
            "several_votes_per_theme": retro.several_votes_per_theme,
            "version": retro.version,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with errors_on(form):
            services.retro_update(
                actor=request.user,
                retro=retro,
                expected_version=data["version"],
                title=data["title"],
                votes_per_person=data["votes_per_person"],
                several_votes_per_theme=data["several_votes_per_theme"],
            )
            messages.success(request, "Retrospective saved.")
            return redirect(retro)
    return TemplateResponse(
        request, "retros/retro_edit.html", {"product": product, "retro": retro, "form": form}, status=form_status(form)
    )


# --- Cards and themes --------------------------------------------------------------


# No record of who sent it (apps.core.idempotency): the card may be anonymous.
@idempotency_exempt
@login_required
@require_POST
@with_writer_secret
def card_add(request, product_slug, retro_id):
    product, retro = _taking_part(request, product_slug, retro_id)
    column = access.access_column(request.user, retro, request.POST.get("column"), field="column")
    anonymous = request.POST.get("anonymous") == "1"
    services.card_add(
        actor=request.user,
        retro=retro,
        column=column,
        text=request.POST.get("text", ""),
        anonymous=anonymous,
        secret=request.retro_secret,
    )
    if anonymous:
        request.retro_secret_used = True
    return _after_change(request, product, retro_id)


# No record of who sent it (apps.core.idempotency): the card may be anonymous.
@idempotency_exempt
@login_required
@require_POST
@with_writer_secret
def card_edit(request, product_slug, retro_id):
    product, retro = _taking_part(request, product_slug, retro_id)
    card = access.access_own_card(request.user, retro, request.POST.get("card"), request.retro_secret, field="card")
    services.card_edit(
        actor=request.user, card=card, text=request.POST.get("text", ""), expected_version=posted_version(request)
    )
    return _after_change(request, product, retro_id)


# No record of who sent it (apps.core.idempotency): the card may be anonymous.
@idempotency_exempt
@login_required
@require_POST
@with_writer_secret
def card_delete(request, product_slug, retro_id):
    product, retro = _taking_part(request, product_slug, retro_id)
    card = access.access_own_card(request.user, retro, request.POST.get("card"), request.retro_secret, field="card")
    services.card_delete(actor=request.user, card=card)
    return _after_change(request, product, retro_id)


@login_required
@require_POST
@with_writer_secret
def card_group(request, product_slug, retro_id):
    product, retro = _taking_part(request, product_slug, retro_id)
    card = access.access_card(
        request.user, retro, request.POST.get("card"), request.retro_secret, Action.TAKE_PART_IN_RETRO, field="card"
    )
    theme_id = request.POST.get("theme") or None
    theme = (
        access.access_theme(request.user, retro, theme_id, Action.TAKE_PART_IN_RETRO, field="theme")
        if theme_id
        else None
    )
    services.card_group(actor=request.user, card=card, theme=theme)
    return _after_change(request, product, retro_id)


@login_required
@require_POST
@with_writer_secret
def theme_create(request, product_slug, retro_id):
    product, retro = _taking_part(request, product_slug, retro_id)
    card_id = request.POST.get("card")
    cards = (
        [
            access.access_card(
                request.user, retro, card_id, request.retro_secret, Action.TAKE_PART_IN_RETRO, field="card"
            )
        ]
        if card_id
        else []
    )
    services.theme_create(actor=request.user, retro=retro, title=request.POST.get("title", ""), cards=cards)
    return _after_change(request, product, retro_id)


@login_required
@require_POST
@with_writer_secret
def theme_update(request, product_slug, retro_id, theme_id):
    product, retro = _taking_part(request, product_slug, retro_id)
    theme = access.access_theme(request.user, retro, theme_id, Action.TAKE_PART_IN_RETRO)
    services.theme_update(
        actor=request.user,
        theme=theme,
        expected_version=posted_version(request),
        title=request.POST.get("title"),
        decision=request.POST.get("decision"),
    )
    return _after_change(request, product, retro_id)


@login_required
@require_POST
@with_writer_secret
def theme_delete(request, product_slug, retro_id, theme_id):
    product, retro = _taking_part(request, product_slug, retro_id)
    theme = access.access_theme(request.user, retro, theme_id, Action.TAKE_PART_IN_RETRO)
    services.theme_delete(actor=request.user, theme=theme)
    return _after_change(request, product, retro_id)


# --- Votes and discussion ------------------------------------------------------------


@login_required
@require_POST
@with_writer_secret
def vote(request, product_slug, retro_id):
    product, retro = _taking_part(request, product_slug, retro_id)
    theme = access.access_theme(
        request.user, retro, request.POST.get("theme"), Action.TAKE_PART_IN_RETRO, field="theme"
    )
    if request.POST.get("op") == "remove":
        services.vote_remove(actor=request.user, retro=retro, theme=theme)
    else:
        services.vote_add(actor=request.user, retro=retro, theme=theme)
    return _after_change(request, product, retro_id)


@login_required
@require_POST
@with_writer_secret
def discuss(request, product_slug, retro_id):
    product, retro = _facilitating(request, product_slug, retro_id)
    theme = access.access_theme(
        request.user, retro, request.POST.get("theme"), Action.TAKE_PART_IN_RETRO, field="theme"
    )
    raw = request.POST.get("minutes", "").strip()
    minutes = as_id(raw) if raw else None
    if raw and minutes is None:
        raise ValidationError({"minutes": "Give the timer a whole number of minutes."})
    services.discuss(actor=request.user, retro=retro, theme=theme, minutes=minutes)
    return _after_change(request, product, retro_id)


# --- Actions -----------------------------------------------------------------------


@login_required
@require_POST
@with_writer_secret
def action_add(request, product_slug, retro_id):
    product, retro = _taking_part(request, product_slug, retro_id)
    team = selectors.team_of(product)
    form = forms.ActionForm(request.POST, team=team, themes=access.visible_themes(request.user, retro))
    if not form.is_valid():
        raise ValidationError(error_text(form))
    data = form.cleaned_data
    theme = access.access_theme(request.user, retro, data["theme"], field="theme") if data["theme"] else None
    services.action_add(
        actor=request.user,
        retro=retro,
        text=data["text"],
        owner=selectors.team_member(product, data["owner"]),
        due_date=data["due_date"],
        theme=theme,
    )
    return _after_change(request, product, retro_id)


@login_required
def action_edit(request, product_slug, action_id):
    product = get_product(request.user, product_slug, Action.VIEW_RETROS)
    item = access.access_action(request.user, product, action_id)
    team = selectors.team_of(product)
    form = forms.ActionEditForm(
        posted(request),
        team=team,
        initial={
            "text": item.text,
            "owner": item.owner_id,
            "due_date": item.due_date,
            "status": item.status,
            "version": item.version,
        },
    )
    if request.method == "POST":
        access.access_action(request.user, product, action_id, Action.TAKE_PART_IN_RETRO)
        if form.is_valid():
            data = form.cleaned_data
            with errors_on(form):
                services.action_update(
                    actor=request.user,
                    action=item,
                    expected_version=data["version"],
                    text=data["text"],
                    owner=selectors.team_member(product, data["owner"]),
                    due_date=data["due_date"],
                    **({"status": data["status"]} if item.status != ActionItem.Status.CARRIED else {}),
                )
                messages.success(request, "Action saved.")
                return redirect(request.POST.get("next") or item.retro.get_absolute_url())
    return TemplateResponse(
        request, "retros/action_form.html", {"product": product, "item": item, "form": form}, status=form_status(form)
    )


@login_required
@require_POST
@with_writer_secret
def action_to_backlog(request, product_slug, retro_id, action_id):
    product, retro = _taking_part(request, product_slug, retro_id)
    item = access.access_retro_action(request.user, retro, action_id, Action.ADD_BACKLOG_ITEM)
    backlog_item = services.action_to_backlog(actor=request.user, action=item)
    if not request.htmx:
        messages.success(request, f"Backlog item #{backlog_item.number} created from the action.")
    return _after_change(request, product, retro_id)


@login_required
@require_POST
@with_writer_secret
def action_review(request, product_slug, retro_id, action_id):
    product, retro = _facilitating(request, product_slug, retro_id)
    item = access.access_action(request.user, product, action_id, Action.TAKE_PART_IN_RETRO)
    services.action_review(actor=request.user, retro=retro, action=item, outcome=request.POST.get("outcome", ""))
    return _after_change(request, product, retro_id)


@login_required
def action_list(request, product_slug):
    product = get_product(request.user, product_slug, Action.VIEW_RETROS)
    queryset = access.visible_actions(request.user, product).select_related("owner", "retro", "backlog_item")
    filterset = ActionFilter(
        request.GET or None, queryset=queryset.order_by("status", "due_date", "id"), request=request
    )
    actions = Paginator(filterset.qs, ACTIONS_PER_PAGE).get_page(request.GET.get("page"))
    return page(
        request,
        "retros/action_list.html",
        {"product": product, "filter": filterset, "page": actions},
        fragment="results",
    )


# --- Health check ------------------------------------------------------------------


# No record of who answered when (apps.core.idempotency).
@idempotency_exempt
@login_required
def health_check(request, product_slug, retro_id):
    product = get_product(request.user, product_slug, Action.VIEW_RETROS)
    retro = access.access_retro(request.user, product, retro_id)
    check = access.access_health_check(request.user, retro)
    answered = selectors.has_answered(check, request.user)
    form = forms.HealthAnswerForm(posted(request), dimensions=check.dimensions)
    if request.method == "POST":
        check = access.access_health_check(request.user, retro, Action.TAKE_PART_IN_RETRO)
        if form.is_valid():
            with errors_on(form):
                services.health_answer(actor=request.user, check=check, ratings=form.ratings())
                messages.success(request, "Thank you: your answer is sealed until the check closes.")
                return redirect("retros:health", product.slug, retro.pk)
    return TemplateResponse(
        request,
        "retros/health_check.html",
        {
            "product": product,
            "retro": retro,
            "check": check,
            "answered": answered,
            "answer_count": selectors.answer_count(check),
            "form": form,
            "result": selectors.health_of(check) if not check.is_open else None,
            "comments": selectors.health_comments(check),
            "facilitating": access.may_facilitate(request.user, retro),
        },
        status=form_status(form),
    )


@login_required
@require_POST
def health_check_close(request, product_slug, retro_id):
    product, retro = _facilitating(request, product_slug, retro_id)
    check = access.access_health_check(request.user, retro, Action.TAKE_PART_IN_RETRO)
    services.health_check_close(actor=request.user, check=check)
    messages.success(request, "The health check is closed.")
    return redirect("retros:health", product.slug, retro.pk)


@login_required
def health_trend(request, product_slug):
    product = get_product(request.user, product_slug, Action.VIEW_RETROS)
    return TemplateResponse(
        request, "retros/health.html", {"product": product, "trend": selectors.health_trend(product)}
    )


@login_required
@require_GET
def health_trend_json(request, product_slug):
    product = get_product(request.user, product_slug, Action.VIEW_RETROS)
    return JsonResponse(selectors.health_trend(product))


# --- Summary -----------------------------------------------------------------------


@login_required
def summary(request, product_slug, retro_id):
    product = get_product(request.user, product_slug, Action.VIEW_RETROS)
    retro = access.access_retro(request.user, product, retro_id)
    return TemplateResponse(
        request,
        "retros/summary.html",
        {"product": product, "retro": retro, "summary": selectors.retro_summary(retro)},
    )


@login_required
def summary_markdown(request, product_slug, retro_id):
    product = get_product(request.user, product_slug, Action.VIEW_RETROS)
    retro = access.access_retro(request.user, product, retro_id)
    return download(documents.summary_markdown(selectors.retro_summary(retro)), f"{documents.file_name(retro)}.md")


@login_required
def summary_pdf(request, product_slug, retro_id):
    product = get_product(request.user, product_slug, Action.VIEW_RETROS)
    retro = access.access_retro(request.user, product, retro_id)
    return download(documents.summary_pdf(selectors.retro_summary(retro)), f"{documents.file_name(retro)}.pdf")
