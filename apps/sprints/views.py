"""Sprint pages: thin views that check access, call a service and render.
htmx requests get a named fragment of the same template."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from apps.accounts.models import User
from apps.accounts.permissions import TEAM, Action, can
from apps.backlog.models import BacklogItem
from apps.backlog.services import item_set_status
from apps.core.exceptions import Conflict
from apps.core.forms import add_service_errors
from apps.core.http import posted
from apps.hypotheses import selectors as assumption_selectors
from apps.hypotheses.forms import AssumptionForm
from apps.products.access import get_product
from apps.sprints import forms, selectors, services
from apps.sprints.models import ExitCriterion, Sprint, SprintItem

SPRINTS_PER_PAGE = 50


def _sprint(request, product_slug: str, sprint_id: int, action: Action = Action.VIEW_SPRINTS):
    product = get_product(request.user, product_slug, action)
    return product, selectors.get_sprint(product, sprint_id)


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- List, create, edit, settings ------------------------------------------------


@login_required
def sprint_list(request, product_slug):
    product = get_product(request.user, product_slug, Action.VIEW_SPRINTS)
    page = Paginator(selectors.sprint_list(product), SPRINTS_PER_PAGE).get_page(request.GET.get("page"))
    live = selectors.live_points(page.object_list)
    rows = [(sprint, live.get(sprint.pk)) for sprint in page.object_list]
    return TemplateResponse(
        request,
        "sprints/sprint_list.html",
        {"product": product, "page": page, "rows": rows, "velocity": selectors.velocity(product)},
    )


@login_required
def velocity_card(request, product_slug):
    """The velocity chart alone, for the product overview to load."""
    product = get_product(request.user, product_slug, Action.VIEW_SPRINTS)
    return TemplateResponse(
        request, "sprints/sprint_list.html#velocity", {"product": product, "velocity": selectors.velocity(product)}
    )


@login_required
def sprint_create(request, product_slug):
    product = get_product(request.user, product_slug, Action.PLAN_SPRINTS)
    form = forms.SprintForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            sprint = services.sprint_create(actor=request.user, product=product, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{sprint.name} planned. Pull items in from the backlog.")
            return redirect("sprints:plan", product.slug, sprint.pk)
    return TemplateResponse(
        request, "sprints/sprint_form.html", {"product": product, "form": form}, status=400 if form.errors else 200
    )


@login_required
def sprint_edit(request, product_slug, sprint_id):
    product, sprint = _sprint(request, product_slug, sprint_id, Action.PLAN_SPRINTS)
    fields = ["name", "goal", "start_date", "end_date", "capacity_points"]
    form = forms.SprintEditForm(posted(request), initial={name: getattr(sprint, name) for name in fields})
    if sprint.capacities.exists():
        form.fields["capacity_points"].disabled = True
        form.fields["capacity_points"].help_text = "The sum of the per-person capacities on the planning page."
    if request.method == "POST" and form.is_valid():
        changes = {name: value for name, value in form.cleaned_data.items() if value != getattr(sprint, name)}
        try:
            services.sprint_update(actor=request.user, sprint=sprint, expected_version=_version(request), **changes)
        except (ValidationError, Conflict) as exc:
            add_service_errors(form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
        else:
            messages.success(request, "Sprint saved.")
            return redirect(sprint)
    return TemplateResponse(
        request,
        "sprints/sprint_form.html",
        {"product": product, "form": form, "sprint": sprint},
        status=400 if form.errors else 200,
    )


@login_required
def sprint_settings(request, product_slug):
    """The product's stage template for staged sprints, and (for the PM) parallel sprints."""
    product = get_product(request.user, product_slug, Action.PLAN_SPRINTS)
    may_allow_parallel = can(request.user, Action.ALLOW_PARALLEL_SPRINTS, product)
    current = getattr(product, "sprint_settings", None)
    plans = selectors.stage_plans(product)
    initial = [
        {"name": p.name, "days": p.days, "goal": p.goal, "exit_criteria": "\n".join(p.exit_criteria)} for p in plans
    ]
    # Bound without initial values, so rows sent unchanged are still read.
    formset = forms.TemplateFormSet(
        posted(request), initial=None if request.method == "POST" else initial, prefix="stages"
    )
    settings_form = forms.SettingsForm(
        posted(request), initial={"allow_parallel_sprints": bool(current and current.allow_parallel_sprints)}
    )
    if request.method == "POST" and formset.is_valid() and settings_form.is_valid():
        stages = [
            form.cleaned_data
            for form in formset.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("name")
        ]
        try:
            services.stage_template_save(actor=request.user, product=product, stages=stages)
            if may_allow_parallel:
                services.sprint_settings_set(
                    actor=request.user,
                    product=product,
                    allow_parallel_sprints=settings_form.cleaned_data["allow_parallel_sprints"],
                )
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, "Sprint settings saved.")
            return redirect("sprints:settings", product.slug)
    return TemplateResponse(
        request,
        "sprints/settings.html",
        {
            "product": product,
            "formset": formset,
            "settings_form": settings_form,
            "may_allow_parallel": may_allow_parallel,
        },
        status=400 if request.method == "POST" else 200,
    )


# --- Detail, planning, start -----------------------------------------------------


@login_required
def sprint_detail(request, product_slug, sprint_id):
    product, sprint = _sprint(request, product_slug, sprint_id)
    entries = selectors.sprint_entries(sprint)
    stages = selectors.sprint_stages(sprint) if sprint.is_staged else []
    assumptions = list(assumption_selectors.assumptions(product).filter(sprint=sprint))
    return TemplateResponse(
        request,
        "sprints/sprint_detail.html",
        {
            "product": product,
            "sprint": sprint,
            "entries": entries,
            "figures": selectors.sprint_figures(sprint),
            "burndown": selectors.sprint_burndown(sprint),
            "capacity": selectors.capacity_of(sprint, entries),
            "stages": stages,
            "current_stage": selectors.current_stage(stages),
            "assumptions": assumptions,
            "wrong_cost": assumption_selectors.cost_of_wrong(assumptions),
            "assumption_form": AssumptionForm(),
            "carried_into": _carried_into(sprint),
        },
    )


def _carried_into(sprint: Sprint) -> Sprint | None:
    carried = SprintItem.objects.filter(carried_from__sprint=sprint).select_related("sprint").first()
    return carried.sprint if carried else None


def _planning_context(request, product, sprint, *, error: str = "") -> dict:
    entries = selectors.sprint_entries(sprint, outcomes=[SprintItem.Outcome.OPEN])
    stages = list(sprint.stages.all()) if sprint.is_staged else []
    lanes = [(stage, [e for e in entries if e.stage_id == stage.pk]) for stage in stages]
    unstaged = [e for e in entries if e.stage_id is None]
    for entry in entries:
        entry.warnings = selectors.readiness_warnings(entry.item)
    backlog = selectors.planning_backlog(product)
    for item in backlog:
        item.warnings = selectors.readiness_warnings(item)
    capacities = sprint.capacities.select_related("person")
    capacity_formset = forms.CapacityFormSet(
        prefix="capacity",
        initial=[{"person": c.person_id, "points": c.points, "days_off": c.days_off} for c in capacities],
        form_kwargs={"people": _team_people(product)},
    )
    return {
        "product": product,
        "sprint": sprint,
        "backlog": backlog,
        "entries": entries,
        "stage_lanes": lanes,
        "unstaged": unstaged,
        "open_stages": [stage for stage in stages if not stage.is_closed],
        "capacity": selectors.capacity_of(sprint, entries),
        "capacity_formset": capacity_formset,
        "working_days": selectors.working_days(sprint.start_date, sprint.end_date),
        "not_ready": sum(1 for entry in entries if entry.warnings),
        "error": error,
    }


def _team_people(product):
    return User.objects.filter(memberships__product=product, memberships__role__in=TEAM).order_by("username")


@login_required
def sprint_plan(request, product_slug, sprint_id):
    product, sprint = _sprint(request, product_slug, sprint_id, Action.PLAN_SPRINTS)
    if sprint.is_closed:
        messages.info(request, f"{sprint.name} is closed; its plan no longer changes.")
        return redirect(sprint)
    return TemplateResponse(request, "sprints/plan.html", _planning_context(request, product, sprint))


def _planning_response(request, product, sprint, error: str = ""):
    """After a planning change: the planning fragment for htmx, otherwise back to the page."""
    if request.htmx:
        context = _planning_context(request, product, sprint, error=error)
        return TemplateResponse(request, "sprints/plan.html#planning", context, status=400 if error else 200)
    if error:
        messages.error(request, error)
    return redirect("sprints:plan", product.slug, sprint.pk)


@login_required
@require_POST
def plan_add(request, product_slug, sprint_id):
    product, sprint = _sprint(request, product_slug, sprint_id, Action.PLAN_SPRINTS)
    item = BacklogItem.objects.filter(product=product, pk=_int(request.POST.get("item"))).first()
    stage = sprint.stages.filter(pk=_int(request.POST.get("stage"))).first() if request.POST.get("stage") else None
    if item is None:
        return _planning_response(request, product, sprint, "No such item in this product's backlog.")
    try:
        services.sprint_item_add(actor=request.user, sprint=sprint, item=item, stage=stage)
    except ValidationError as exc:
        return _planning_response(request, product, sprint, _error_text(exc))
    return _planning_response(request, product, sprint)


@login_required
@require_POST
def plan_remove(request, product_slug, sprint_id):
    product, sprint = _sprint(request, product_slug, sprint_id, Action.PLAN_SPRINTS)
    entry = SprintItem.objects.filter(sprint=sprint, item__pk=_int(request.POST.get("item"))).first()
    if entry is None:
        return _planning_response(request, product, sprint, "That item is not in this sprint.")
    try:
        services.sprint_item_remove(actor=request.user, entry=entry)
    except ValidationError as exc:
        return _planning_response(request, product, sprint, _error_text(exc))
    return _planning_response(request, product, sprint)


@login_required
@require_POST
def plan_stage(request, product_slug, sprint_id):
    product, sprint = _sprint(request, product_slug, sprint_id, Action.PLAN_SPRINTS)
    entry = SprintItem.objects.filter(sprint=sprint, item__pk=_int(request.POST.get("item"))).first()
    stage = sprint.stages.filter(pk=_int(request.POST.get("stage"))).first()
    if entry is None or (request.POST.get("stage") and stage is None):
        return _planning_response(request, product, sprint, "No such item or stage in this sprint.")
    try:
        services.sprint_item_assign_stage(actor=request.user, entry=entry, stage=stage)
    except ValidationError as exc:
        return _planning_response(request, product, sprint, _error_text(exc))
    return _planning_response(request, product, sprint)


@login_required
@require_POST
def plan_capacity(request, product_slug, sprint_id):
    product, sprint = _sprint(request, product_slug, sprint_id, Action.PLAN_SPRINTS)
    formset = forms.CapacityFormSet(request.POST, prefix="capacity", form_kwargs={"people": _team_people(product)})
    if not formset.is_valid():
        return _planning_response(request, product, sprint, "Check the capacities: " + _formset_errors(formset))
    rows = [
        (form.cleaned_data["person"], form.cleaned_data["points"], form.cleaned_data["days_off"])
        for form in formset.forms
        if form.cleaned_data.get("person")
    ]
    try:
        services.sprint_set_capacity(actor=request.user, sprint=sprint, capacities=rows)
    except ValidationError as exc:
        return _planning_response(request, product, sprint, _error_text(exc))
    return _planning_response(request, product, sprint)


@login_required
@require_POST
def sprint_start(request, product_slug, sprint_id):
    product, sprint = _sprint(request, product_slug, sprint_id, Action.PLAN_SPRINTS)
    try:
        services.sprint_start(actor=request.user, sprint=sprint)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("sprints:plan", product.slug, sprint.pk)
    messages.success(request, f"{sprint.name} started. Its plan is now the commitment.")
    return redirect("sprints:board", product.slug, sprint.pk)


# --- Board ---------------------------------------------------------------------


@login_required
def sprint_board(request, product_slug, sprint_id):
    product, sprint = _sprint(request, product_slug, sprint_id)
    lanes = request.GET.get("lanes", "none")
    if lanes not in selectors.SWIMLANES:
        lanes = "none"
    return TemplateResponse(
        request,
        "sprints/board.html",
        {
            "product": product,
            "sprint": sprint,
            "lanes": selectors.board(sprint, lanes),
            "lane_choice": lanes,
            "swimlanes": selectors.SWIMLANES,
            "columns": [BacklogItem.Status(status) for status in selectors.BOARD_COLUMNS],
            "may_move": can(request.user, Action.WORK_SPRINT, product) and sprint.status == Sprint.Status.ACTIVE,
        },
    )


@login_required
@require_POST
def board_move(request, product_slug, sprint_id):
    """A card dropped into a column: the backlog's workflow decides. With htmx
    the answer is the new card, or 400/409 with the reason so the page can put
    the card back; without, the board again with a message."""
    product, sprint = _sprint(request, product_slug, sprint_id, Action.WORK_SPRINT)
    form = forms.MoveForm(request.POST)
    if not form.is_valid():
        return _move_refused(request, sprint, "Choose a card and a column.")
    if sprint.status != Sprint.Status.ACTIVE:
        return _move_refused(request, sprint, f"{sprint.name} is not running; its board cannot change.")
    entry = get_object_or_404(
        SprintItem.objects.select_related("item"),
        sprint=sprint,
        item__pk=form.cleaned_data["item"],
        outcome=SprintItem.Outcome.OPEN,
    )
    try:
        item = item_set_status(
            actor=request.user,
            item=entry.item,
            status=form.cleaned_data["status"],
            expected_version=form.cleaned_data["version"],
        )
    except ValidationError as exc:
        return _move_refused(request, sprint, _error_text(exc))
    except Conflict as exc:
        return _move_refused(request, sprint, str(exc), status=409)
    if not request.htmx:
        messages.success(request, f"#{item.number} is now {item.get_status_display().lower()}.")
        return redirect("sprints:board", product.slug, sprint.pk)
    card = next(e for e in selectors.sprint_entries(sprint, outcomes=[SprintItem.Outcome.OPEN]) if e.item_id == item.pk)
    return TemplateResponse(
        request, "sprints/board.html#card", {"product": product, "sprint": sprint, "entry": card, "may_move": True}
    )


def _move_refused(request, sprint, reason: str, status: int = 400):
    if request.htmx:
        return HttpResponse(reason, status=status, content_type="text/plain; charset=utf-8")
    messages.error(request, reason)
    return redirect("sprints:board", sprint.product.slug, sprint.pk)


# --- Close and review --------------------------------------------------------------


@login_required
def sprint_close(request, product_slug, sprint_id):
    product, sprint = _sprint(request, product_slug, sprint_id, Action.PLAN_SPRINTS)
    if sprint.status != Sprint.Status.ACTIVE:
        messages.info(request, f"{sprint.name} is {sprint.get_status_display().lower()}; only a running sprint closes.")
        return redirect(sprint)
    entries = selectors.sprint_entries(sprint, outcomes=[SprintItem.Outcome.OPEN])
    done = [e for e in entries if e.item.status == BacklogItem.Status.DONE]
    unfinished = [e for e in entries if e.item.status not in (BacklogItem.Status.DONE, BacklogItem.Status.DROPPED)]
    planned = Sprint.objects.filter(product=product, status=Sprint.Status.PLANNED).exclude(pk=sprint.pk)
    form = forms.CloseForm(posted(request), unfinished=unfinished, planned=planned)
    if request.method == "POST" and form.is_valid():
        try:
            closed, next_sprint = services.sprint_close(
                actor=request.user,
                sprint=sprint,
                decisions=form.decisions(),
                next_sprint=form.cleaned_data["next_sprint"],
                expected_version=_version(request),
            )
        except (ValidationError, Conflict) as exc:
            add_service_errors(form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
        else:
            note = f" Carried-over work is in {next_sprint.name}." if next_sprint else ""
            messages.success(request, f"{closed.name} closed; its figures are now final.{note}")
            return redirect(closed)
    return TemplateResponse(
        request,
        "sprints/close.html",
        {
            "product": product,
            "sprint": sprint,
            "form": form,
            "done": done,
            "figures": selectors.sprint_figures(sprint),
            "open_stages": [s for s in sprint.stages.all() if not s.is_closed] if sprint.is_staged else [],
        },
        status=400 if form.errors else 200,
    )


@login_required
def sprint_review(request, product_slug, sprint_id):
    product, sprint = _sprint(request, product_slug, sprint_id)
    may_edit = can(request.user, Action.PLAN_SPRINTS, product)
    form = forms.ReviewForm(
        posted(request),
        initial={"goal_met": {True: "yes", False: "no"}.get(sprint.goal_met, ""), "review_notes": sprint.review_notes},
    )
    if request.method == "POST":
        get_product(request.user, product_slug, Action.PLAN_SPRINTS)
        if form.is_valid():
            try:
                services.sprint_review_save(
                    actor=request.user, sprint=sprint, expected_version=_version(request), **form.cleaned_data
                )
            except (ValidationError, Conflict) as exc:
                add_service_errors(form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
            else:
                messages.success(request, "Review saved.")
                return redirect("sprints:review", product.slug, sprint.pk)
    return TemplateResponse(
        request,
        "sprints/review.html",
        {
            "product": product,
            "sprint": sprint,
            "review": selectors.review(sprint),
            "figures": selectors.sprint_figures(sprint),
            "form": form,
            "may_edit": may_edit,
            "may_record": can(request.user, Action.WORK_SPRINT, product),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def record_finding(request, product_slug, sprint_id, item_id):
    product, sprint = _sprint(request, product_slug, sprint_id, Action.WORK_SPRINT)
    entry = get_object_or_404(SprintItem, sprint=sprint, item__pk=item_id)
    form = forms.FindingForm(request.POST)
    if form.is_valid():
        services.sprint_item_record_finding(actor=request.user, entry=entry, finding=form.cleaned_data["finding"])
        messages.success(request, "Finding recorded.")
    return redirect("sprints:review", product.slug, sprint.pk)


# --- Stages --------------------------------------------------------------------


def _stage(request, product_slug, sprint_id, stage_id, action=Action.VIEW_SPRINTS):
    product, sprint = _sprint(request, product_slug, sprint_id, action)
    return product, sprint, selectors.get_stage(sprint, stage_id)


def _stage_context(request, product, sprint, stage, **forms_):
    entries = [e for e in selectors.sprint_entries(sprint) if e.stage_id == stage.pk]
    return {
        "product": product,
        "sprint": sprint,
        "stage": stage,
        "entries": entries,
        "criteria": list(stage.exit_criteria.select_related("met_by")),
        "burndown": selectors.stage_burndown(stage),
        "stage_form": forms_.get("stage_form")
        or forms.StageForm(
            initial={"name": stage.name, "goal": stage.goal, "start_date": stage.start_date, "end_date": stage.end_date}
        ),
        "close_form": forms_.get("close_form") or forms.StageCloseForm(),
        "criterion_form": forms_.get("criterion_form") or forms.CriterionForm(),
        "may_work": can(request.user, Action.WORK_SPRINT, product),
        "may_plan": can(request.user, Action.PLAN_SPRINTS, product),
    }


@login_required
def stage_detail(request, product_slug, sprint_id, stage_id):
    product, sprint, stage = _stage(request, product_slug, sprint_id, stage_id)
    return TemplateResponse(request, "sprints/stage.html", _stage_context(request, product, sprint, stage))


def _stage_form_post(request, product_slug, sprint_id, stage_id, *, form_class, form_name, apply, success=""):
    """The stage page's planning forms: run the service on a valid form and go
    back to the stage, or show the page again with the form's errors."""
    product, sprint, stage = _stage(request, product_slug, sprint_id, stage_id, Action.PLAN_SPRINTS)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            apply(stage, form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if success:
                messages.success(request, success.format(stage=stage))
            return redirect("sprints:stage", product.slug, sprint.pk, stage.pk)
    context = _stage_context(request, product, sprint, stage, **{form_name: form})
    return TemplateResponse(request, "sprints/stage.html", context, status=400)


@login_required
@require_POST
def stage_edit(request, product_slug, sprint_id, stage_id):
    return _stage_form_post(
        request,
        product_slug,
        sprint_id,
        stage_id,
        form_class=forms.StageForm,
        form_name="stage_form",
        apply=lambda stage, data: services.stage_update(actor=request.user, stage=stage, **data),
        success="Stage saved.",
    )


@login_required
@require_POST
def stage_close(request, product_slug, sprint_id, stage_id):
    return _stage_form_post(
        request,
        product_slug,
        sprint_id,
        stage_id,
        form_class=forms.StageCloseForm,
        form_name="close_form",
        apply=lambda stage, data: services.stage_close(
            actor=request.user, stage=stage, override_reason=data["override_reason"]
        ),
        success="{stage.name} closed.",
    )


@login_required
@require_POST
def criterion_add(request, product_slug, sprint_id, stage_id):
    return _stage_form_post(
        request,
        product_slug,
        sprint_id,
        stage_id,
        form_class=forms.CriterionForm,
        form_name="criterion_form",
        apply=lambda stage, data: services.exit_criterion_add(actor=request.user, stage=stage, text=data["text"]),
    )


@login_required
@require_POST
def criterion_set(request, product_slug, sprint_id, stage_id, criterion_id):
    product, sprint, stage = _stage(request, product_slug, sprint_id, stage_id, Action.WORK_SPRINT)
    criterion = get_object_or_404(ExitCriterion, stage=stage, pk=criterion_id)
    error = ""
    try:
        services.exit_criterion_set(actor=request.user, criterion=criterion, met=request.POST.get("met") == "on")
    except ValidationError as exc:
        error = _error_text(exc)
    if request.htmx:
        context = {**_stage_context(request, product, sprint, stage), "checklist_error": error}
        return TemplateResponse(request, "sprints/stage.html#checklist", context, status=400 if error else 200)
    if error:
        messages.error(request, error)
    return redirect("sprints:stage", product.slug, sprint.pk, stage.pk)


# --- Helpers -------------------------------------------------------------------


def _int(value) -> int | None:
    # Lookups by item go through item__pk, not item_id: a number too large for
    # SQLite then matches nothing instead of raising OverflowError.
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _version(request) -> int | None:
    return _int(request.POST.get("version"))


def _formset_errors(formset) -> str:
    errors = [f"{field}: {' '.join(messages_)}" for form in formset.forms for field, messages_ in form.errors.items()]
    return "; ".join(errors + list(formset.non_form_errors()))
