"""Sprint pages: thin views. Each finds its objects through apps.sprints.access
(which checks the role), changes them through a service inside `errors_on(form)`
or `flash_errors(request)`, and answers with `form_status`; htmx requests get a
named fragment of the same template. What escapes is mapped by apps.core.middleware."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.accounts.permissions import Action, can, require
from apps.backlog.access import visible_saved_filters
from apps.backlog.models import BacklogItem
from apps.core.forms import error_text, errors_on, form_status
from apps.core.http import flash_errors, page, posted
from apps.products.access import get_product
from apps.sprints import access, forms, selectors, services
from apps.sprints.models import Sprint, SprintItem
from apps.sprints.rows import sprint_item_rows, sprint_rows

SPRINTS_PER_PAGE = 50
VIEW, WORK, PLAN = Action.VIEW_SPRINTS, Action.WORK_SPRINT, Action.PLAN_SPRINTS


def _sprint(request, product_slug: str, sprint_id, action: Action = VIEW):
    product = get_product(request.user, product_slug, action)
    return product, access.access_sprint(request.user, product, sprint_id, action)


# --- List, create, edit, settings ------------------------------------------------


@login_required
def sprint_list(request, product_slug):
    product = get_product(request.user, product_slug, VIEW)
    sprints = Paginator(selectors.sprint_list(product), SPRINTS_PER_PAGE).get_page(request.GET.get("page"))
    rows = sprint_rows(sprints.object_list, product=product)
    return TemplateResponse(
        request,
        "sprints/sprint_list.html",
        {"product": product, "page": sprints, "rows": rows, "velocity": selectors.velocity(product)},
    )


@login_required
def velocity_card(request, product_slug):
    """The velocity chart alone, for the product overview to load."""
    product = get_product(request.user, product_slug, VIEW)
    return TemplateResponse(
        request, "sprints/sprint_list.html#velocity", {"product": product, "velocity": selectors.velocity(product)}
    )


@login_required
def sprint_create(request, product_slug):
    product = get_product(request.user, product_slug, PLAN)
    form = forms.SprintForm(posted(request))
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            sprint = services.sprint_create(actor=request.user, product=product, **form.cleaned_data)
            messages.success(request, f"{sprint.name} planned. Pull items in from the backlog.")
            return redirect("sprints:plan", product.slug, sprint.pk)
    return TemplateResponse(
        request, "sprints/sprint_form.html", {"product": product, "form": form}, status=form_status(form)
    )


@login_required
def sprint_edit(request, product_slug, sprint_id):
    product, sprint = _sprint(request, product_slug, sprint_id, PLAN)
    fields = ["name", "goal", "start_date", "end_date", "capacity_points"]
    form = forms.SprintEditForm(
        posted(request), initial={"version": sprint.version, **{name: getattr(sprint, name) for name in fields}}
    )
    if selectors.has_capacities(sprint):
        form.fields["capacity_points"].disabled = True
        form.fields["capacity_points"].help_text = "The sum of the per-person capacities on the planning page."
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in fields if form.cleaned_data[name] != getattr(sprint, name)}
        with errors_on(form):
            services.sprint_update(
                actor=request.user, sprint=sprint, expected_version=form.cleaned_data["version"], **changes
            )
            messages.success(request, "Sprint saved.")
            return redirect(sprint)
    return TemplateResponse(
        request,
        "sprints/sprint_form.html",
        {"product": product, "form": form, "sprint": sprint},
        status=form_status(form),
    )


@login_required
def sprint_settings(request, product_slug):
    """The product's stage template for staged sprints, and (for the PM) parallel sprints."""
    product = get_product(request.user, product_slug, PLAN)
    current = selectors.sprint_settings(product)
    initial = [
        {"name": p.name, "days": p.days, "goal": p.goal, "exit_criteria": "\n".join(p.exit_criteria)}
        for p in selectors.stage_plans(product)
    ]
    # Bound without initial values, so rows sent unchanged are still read.
    formset = forms.TemplateFormSet(
        posted(request), initial=None if request.method == "POST" else initial, prefix="stages"
    )
    settings_form = forms.SettingsForm(
        posted(request), initial={"allow_parallel_sprints": current.allow_parallel_sprints}
    )
    wip_form = forms.WipLimitsForm(posted(request), initial=current.wip_limits, prefix="wip")
    if request.method == "POST" and formset.is_valid() and settings_form.is_valid() and wip_form.is_valid():
        stages = [
            form.cleaned_data
            for form in formset.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("name")
        ]
        with flash_errors(request):
            services.stage_template_save(actor=request.user, product=product, stages=stages)
            services.wip_limits_set(actor=request.user, product=product, limits=wip_form.limits())
            # Scrum masters edit the template too; only the PM decides on parallel sprints.
            if can(request.user, Action.ALLOW_PARALLEL_SPRINTS, product):
                services.sprint_settings_set(
                    actor=request.user,
                    product=product,
                    allow_parallel_sprints=settings_form.cleaned_data["allow_parallel_sprints"],
                )
            messages.success(request, "Sprint settings saved.")
            return redirect("sprints:settings", product.slug)
    return TemplateResponse(
        request,
        "sprints/settings.html",
        {"product": product, "formset": formset, "settings_form": settings_form, "wip_form": wip_form},
        status=400 if request.method == "POST" else 200,
    )


# --- Detail, planning, start -----------------------------------------------------


@login_required
def sprint_detail(request, product_slug, sprint_id):
    """The sprint overview. Apps above sprints add their sections to it
    (apps.sprints.sections: hypotheses shows the sprint's assumptions)."""
    product, sprint = _sprint(request, product_slug, sprint_id)
    entries = selectors.sprint_table(sprint)
    stages = selectors.sprint_stages(sprint) if sprint.is_staged else []
    return TemplateResponse(
        request,
        "sprints/sprint_detail.html",
        {
            "product": product,
            "sprint": sprint,
            "item_rows": sprint_item_rows(product, sprint, entries),
            "figures": selectors.sprint_figures(sprint),
            "burndown": selectors.sprint_burndown(sprint),
            "capacity": selectors.capacity_of(sprint, entries),
            "stages": stages,
            "current_stage": selectors.current_stage(stages),
            "carried_into": selectors.carried_into(sprint),
        },
    )


def _planning_context(product, sprint, *, form=None) -> dict:
    entries = selectors.sprint_entries(sprint, outcomes=[SprintItem.Outcome.OPEN])
    stages = list(selectors.stages_of(sprint)) if sprint.is_staged else []
    working_days = selectors.working_days(sprint.start_date, sprint.end_date)
    people = list(selectors.team_people(product))
    recorded = {c.person_id: c for c in selectors.capacities(sprint)}
    capacity_formset = forms.CapacityFormSet(
        prefix="capacity",
        initial=[
            {"person": p.pk, "points": recorded[p.pk].points, "days_off": recorded[p.pk].days_off}
            if p.pk in recorded
            else {"person": p.pk, "days_off": 0}
            for p in people
        ],
        form_kwargs={"people": selectors.team_people(product)},
    )
    # Each team member's row, with what they add to the team capacity (None: not counted).
    capacity_rows = []
    for person, person_form in zip(people, capacity_formset.forms, strict=True):
        row = recorded.get(person.pk)
        capacity_rows.append(
            {
                "person": person,
                "form": person_form,
                "recorded": row,
                "days_in": working_days - (row.days_off if row else 0),
                "counts": selectors.effective_capacity(row.points, row.days_off, working_days) if row else None,
            }
        )
    return {
        "product": product,
        "sprint": sprint,
        "backlog": selectors.planning_backlog(product),
        "entries": entries,
        "stage_lanes": [(stage, [e for e in entries if e.stage_id == stage.pk]) for stage in stages],
        "unstaged": [e for e in entries if e.stage_id is None],
        "open_stages": [stage for stage in stages if not stage.is_closed],
        "capacity": selectors.capacity_of(sprint, entries),
        "capacity_formset": capacity_formset,
        "capacity_rows": capacity_rows,
        "per_person": bool(recorded),
        "working_days": working_days,
        "not_ready": selectors.not_ready_count(entries),
        "error": error_text(form) if form is not None else "",
    }


@login_required
def sprint_plan(request, product_slug, sprint_id):
    product, sprint = _sprint(request, product_slug, sprint_id, PLAN)
    if sprint.is_closed:
        messages.info(request, f"{sprint.name} is closed; its plan no longer changes.")
        return redirect(sprint)
    return TemplateResponse(request, "sprints/plan.html", _planning_context(product, sprint))


def _planning_response(request, product, sprint, form):
    """After a planning change: the planning fragment for htmx (with the form's
    error, 400 or 409), otherwise back to the page with the error as a message."""
    if request.htmx:
        context = _planning_context(product, sprint, form=form)
        return page(request, "sprints/plan.html", context, fragment="planning", status=form_status(form))
    if form.errors:
        messages.error(request, error_text(form))
    return redirect("sprints:plan", product.slug, sprint.pk)


@login_required
@require_POST
def plan_add(request, product_slug, sprint_id):
    product, sprint = _sprint(request, product_slug, sprint_id, PLAN)
    form = forms.PlanItemForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        with errors_on(form):
            item = access.access_backlog_item(request.user, product, data["item"], PLAN, field="item")
            stage = _chosen_stage(request, product, sprint, data["stage"])
            services.sprint_item_add(actor=request.user, sprint=sprint, item=item, stage=stage)
    return _planning_response(request, product, sprint, form)


@login_required
@require_POST
def plan_remove(request, product_slug, sprint_id):
    product, sprint = _sprint(request, product_slug, sprint_id, PLAN)
    form = forms.PlanItemForm(request.POST)
    if form.is_valid():
        with errors_on(form):
            entry = access.access_sprint_item(
                request.user, product, form.cleaned_data["item"], PLAN, sprint=sprint, field="item"
            )
            services.sprint_item_remove(actor=request.user, entry=entry)
    return _planning_response(request, product, sprint, form)


@login_required
@require_POST
def plan_stage(request, product_slug, sprint_id):
    product, sprint = _sprint(request, product_slug, sprint_id, PLAN)
    form = forms.PlanItemForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        with errors_on(form):
            entry = access.access_sprint_item(request.user, product, data["item"], PLAN, sprint=sprint, field="item")
            stage = _chosen_stage(request, product, sprint, data["stage"])
            services.sprint_item_assign_stage(actor=request.user, entry=entry, stage=stage)
    return _planning_response(request, product, sprint, form)


def _chosen_stage(request, product, sprint, stage_id):
    """The stage a planning form names (none: no stage)."""
    if stage_id is None:
        return None
    return access.access_stage(request.user, product, stage_id, PLAN, sprint=sprint, field="stage")


@login_required
@require_POST
def plan_capacity(request, product_slug, sprint_id):
    product, sprint = _sprint(request, product_slug, sprint_id, PLAN)
    form = forms.VersionForm(request.POST)
    formset = forms.CapacityFormSet(
        request.POST, prefix="capacity", form_kwargs={"people": selectors.team_people(product)}
    )
    if not formset.is_valid():
        form.add_error(None, "Check the capacities: " + _formset_errors(formset))
    elif form.is_valid():
        # A row left blank is a person not counted in this sprint.
        rows = [
            (row.cleaned_data["person"], row.cleaned_data["points"], row.cleaned_data["days_off"] or 0)
            for row in formset.forms
            if row.cleaned_data.get("person") and row.cleaned_data.get("points") is not None
        ]
        with errors_on(form):
            sprint = services.sprint_set_capacity(
                actor=request.user, sprint=sprint, capacities=rows, expected_version=form.cleaned_data["version"]
            )
    return _planning_response(request, product, sprint, form)


@login_required
def sprint_start(request, product_slug, sprint_id):
    """Start a planned sprint. One planned to start later is not started
    silently: the page asks whether to move its dates to today or keep them."""
    product, sprint = _sprint(request, product_slug, sprint_id, PLAN)
    if sprint.status != Sprint.Status.PLANNED:
        messages.info(request, f"{sprint.name} is already {sprint.get_status_display().lower()}.")
        return redirect(sprint)
    form = forms.StartForm(posted(request), initial={"version": sprint.version})
    ahead = selectors.days_until_start(sprint)
    if request.method == "POST" and form.is_valid() and (form.cleaned_data["dates"] or not ahead):
        start = {
            "actor": request.user,
            "sprint": sprint,
            "expected_version": form.cleaned_data["version"],
            "move_dates_to_today": form.cleaned_data["dates"] == "move",
        }
        if not ahead:
            with flash_errors(request):
                services.sprint_start(**start)
                messages.success(request, f"{sprint.name} started. Its plan is now the commitment.")
                return redirect("sprints:board", product.slug, sprint.pk)
            return redirect("sprints:plan", product.slug, sprint.pk)
        with errors_on(form):
            started = services.sprint_start(**start)
            messages.success(
                request,
                f"{started.name} started; it now runs {started.start_date.day} {started.start_date:%b} – "
                f"{started.end_date.day} {started.end_date:%b %Y}. "
                "Its plan is now the commitment.",
            )
            return redirect("sprints:board", product.slug, sprint.pk)
    today = timezone.localdate()
    context = {
        "product": product,
        "sprint": sprint,
        "form": form,
        "days_ahead": ahead,
        "moved_start": today,
        "moved_end": today + (sprint.end_date - sprint.start_date),
    }
    return TemplateResponse(request, "sprints/start.html", context, status=form_status(form))


# --- Board ---------------------------------------------------------------------


def _board_context(product, sprint, lanes: str, **extra) -> dict:
    if lanes not in selectors.SWIMLANES:
        lanes = "none"
    board = selectors.board(sprint, lanes)
    limits = selectors.wip_limits(product)
    return {
        "product": product,
        "sprint": sprint,
        "lanes": board,
        "lane_choice": lanes,
        "swimlanes": selectors.SWIMLANES,
        "columns": [BacklogItem.Status(status) for status in selectors.BOARD_COLUMNS],
        "limits": limits,
        "loads": selectors.column_loads(board, limits),
        **extra,
    }


@login_required
def sprint_board(request, product_slug, sprint_id):
    product, sprint = _sprint(request, product_slug, sprint_id)
    context = _board_context(product, sprint, request.GET.get("lanes", "none"))
    lanes = context["lane_choice"]
    context |= {
        "saved_filters": list(visible_saved_filters(request.user, product, "board")),
        "saved_filter_page": "board",
        "filter_query": urlencode({"lanes": lanes}) if lanes != "none" else "",
    }
    return TemplateResponse(request, "sprints/board.html", context)


@login_required
@require_POST
def board_move(request, product_slug, sprint_id):
    """A card moved to a column (sprint_item_move decides). Dragged (htmx):
    the new card, or 400/409 with the reason as plain text so the board's
    script can put the card back and show it. From the keyboard form (htmx,
    aimed at the board): the board again, saying what moved, for the script to
    put focus on the moved card. Without JavaScript: the board page with a message."""
    product, sprint = _sprint(request, product_slug, sprint_id, WORK)
    form = forms.MoveForm(request.POST)
    whole_board = bool(request.htmx) and request.htmx.target == "board-area"
    if not form.is_valid():
        return _move_refused(request, product, sprint, "Choose a card and a column.", whole_board=whole_board)
    data = form.cleaned_data
    entry = access.access_sprint_item(request.user, product, data["item"], WORK, sprint=sprint)
    with errors_on(form):
        item = services.sprint_item_move(
            actor=request.user, entry=entry, status=data["status"], expected_version=data["version"]
        )
    if form.errors:
        return _move_refused(request, product, sprint, error_text(form), form_status(form), whole_board=whole_board)
    moved = f"#{item.number} is now {item.get_status_display().lower()}."
    if whole_board:
        context = _board_context(product, sprint, request.POST.get("lanes", "none"), moved=item.pk, moved_message=moved)
        return TemplateResponse(request, "sprints/board.html#board-area", context)
    if not request.htmx:
        messages.success(request, moved)
        return redirect("sprints:board", product.slug, sprint.pk)
    card = selectors.board_card(sprint, item)
    return TemplateResponse(request, "sprints/board.html#card", {"product": product, "sprint": sprint, "entry": card})


def _move_refused(request, product, sprint, reason: str, status: int = 400, *, whole_board: bool = False):
    if whole_board:
        context = _board_context(product, sprint, request.POST.get("lanes", "none"), move_error=reason)
        return TemplateResponse(request, "sprints/board.html#board-area", context, status=status)
    if request.htmx:
        return HttpResponse(reason, status=status, content_type="text/plain; charset=utf-8")
    messages.error(request, reason)
    return redirect("sprints:board", sprint.product.slug, sprint.pk)


# --- Close and review --------------------------------------------------------------


@login_required
def sprint_close(request, product_slug, sprint_id):
    product, sprint = _sprint(request, product_slug, sprint_id, PLAN)
    if sprint.status != Sprint.Status.ACTIVE:
        messages.info(request, f"{sprint.name} is {sprint.get_status_display().lower()}; only a running sprint closes.")
        return redirect(sprint)
    closing = selectors.closing(sprint)
    days_left = selectors.days_left(sprint)
    form = forms.CloseForm(
        posted(request), unfinished=closing.unfinished, planned=closing.targets, initial={"version": sprint.version}
    )
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            closed, next_sprint = services.sprint_close(
                actor=request.user,
                sprint=sprint,
                decisions=form.decisions(),
                next_sprint=form.cleaned_data["next_sprint"],
                expected_version=form.cleaned_data["version"],
            )
            note = f" Carried-over work is in {next_sprint.name}." if next_sprint else ""
            early = f" It closed {days_left} day{'s' if days_left != 1 else ''} early." if days_left else ""
            messages.success(request, f"{closed.name} closed; its figures are now final.{early}{note}")
            return redirect(closed)
    return TemplateResponse(
        request,
        "sprints/close.html",
        {
            "product": product,
            "sprint": sprint,
            "form": form,
            "done": closing.done,
            "figures": selectors.sprint_figures(sprint),
            "open_stages": selectors.open_stages(sprint) if sprint.is_staged else [],
            "days_left": days_left,
        },
        status=form_status(form),
    )


@login_required
def sprint_review(request, product_slug, sprint_id):
    product, sprint = _sprint(request, product_slug, sprint_id)
    form = forms.ReviewForm(
        posted(request),
        initial={
            "goal_met": "" if sprint.goal_met is None else "yes" if sprint.goal_met else "no",
            "review_notes": sprint.review_notes,
            "version": sprint.version,
        },
    )
    if request.method == "POST":
        require(request.user, PLAN, product)
        if form.is_valid():
            data = dict(form.cleaned_data)
            with errors_on(form):
                services.sprint_review_save(
                    actor=request.user, sprint=sprint, expected_version=data.pop("version"), **data
                )
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
        },
        status=form_status(form),
    )


@login_required
@require_POST
def record_finding(request, product_slug, sprint_id, item_id):
    product, sprint = _sprint(request, product_slug, sprint_id, WORK)
    entry = access.access_sprint_item(request.user, product, item_id, WORK, sprint=sprint)
    form = forms.FindingForm(request.POST)
    if form.is_valid():
        with flash_errors(request):
            services.sprint_item_record_finding(actor=request.user, entry=entry, finding=form.cleaned_data["finding"])
            messages.success(request, "Finding recorded.")
    return redirect("sprints:review", product.slug, sprint.pk)


# --- Stages --------------------------------------------------------------------


def _stage(request, product_slug, sprint_id, stage_id, action: Action = VIEW):
    product, sprint = _sprint(request, product_slug, sprint_id, action)
    return product, sprint, access.access_stage(request.user, product, stage_id, action, sprint=sprint)


def _stage_context(product, sprint, stage, **forms_) -> dict:
    entries = [e for e in selectors.sprint_entries(sprint) if e.stage_id == stage.pk]
    stage_fields = {name: getattr(stage, name) for name in ("name", "goal", "start_date", "end_date", "version")}
    return {
        "product": product,
        "sprint": sprint,
        "stage": stage,
        "entries": entries,
        "criteria": list(selectors.exit_criteria(stage)),
        "burndown": selectors.stage_burndown(stage),
        "stage_form": forms_.get("stage_form") or forms.StageForm(initial=stage_fields),
        "close_form": forms_.get("close_form") or _stage_close_form(sprint, stage, entries),
        "criterion_form": forms_.get("criterion_form") or forms.CriterionForm(),
        "checklist_error": forms_.get("checklist_error", ""),
    }


@login_required
def stage_detail(request, product_slug, sprint_id, stage_id):
    product, sprint, stage = _stage(request, product_slug, sprint_id, stage_id)
    return TemplateResponse(request, "sprints/stage.html", _stage_context(product, sprint, stage))


def _stage_form_post(request, product_slug, sprint_id, stage_id, *, form_class, form_name, apply, success=""):
    """The stage page's planning forms: run the service on a valid form and go
    back to the stage, or show the page again with the form's errors (400, or
    409 for a stale edit)."""
    product, sprint, stage = _stage(request, product_slug, sprint_id, stage_id, PLAN)
    form = form_class(request.POST)
    if form.is_valid():
        with errors_on(form):
            apply(stage, dict(form.cleaned_data))
            if success:
                messages.success(request, success.format(stage=stage))
            return redirect("sprints:stage", product.slug, sprint.pk, stage.pk)
    context = _stage_context(product, sprint, stage, **{form_name: form})
    return TemplateResponse(request, "sprints/stage.html", context, status=form_status(form))


@login_required
@require_POST
def stage_edit(request, product_slug, sprint_id, stage_id):
    def apply(stage, data):
        version = data.pop("version")
        services.stage_update(actor=request.user, stage=stage, expected_version=version, **data)

    return _stage_form_post(
        request,
        product_slug,
        sprint_id,
        stage_id,
        form_class=forms.StageForm,
        form_name="stage_form",
        apply=apply,
        success="Stage saved.",
    )


def _stage_close_form(sprint, stage, entries, data=None) -> forms.StageCloseForm:
    """The close form asks what becomes of the stage's unfinished items, when it has some."""
    leftovers = sum(1 for entry in entries if entry.stage_id == stage.pk and entry.is_unfinished)
    later = next((s for s in selectors.open_stages(sprint) if s.position > stage.position), None)
    return forms.StageCloseForm(data, leftovers=leftovers, next_stage=later.name if later else None)


@login_required
@require_POST
def stage_close(request, product_slug, sprint_id, stage_id):
    product, sprint, stage = _stage(request, product_slug, sprint_id, stage_id, PLAN)
    form = _stage_close_form(sprint, stage, selectors.sprint_entries(sprint), request.POST)
    if form.is_valid():
        with errors_on(form):
            services.stage_close(
                actor=request.user,
                stage=stage,
                override_reason=form.cleaned_data["override_reason"],
                unfinished=form.cleaned_data.get("unfinished", ""),
            )
            messages.success(request, f"{stage.name} closed.")
            return redirect("sprints:stage", product.slug, sprint.pk, stage.pk)
    context = _stage_context(product, sprint, stage, close_form=form)
    return TemplateResponse(request, "sprints/stage.html", context, status=form_status(form))


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
    """A criterion ticked or unticked: the checklist fragment for htmx, otherwise back to the stage."""
    product, sprint, stage = _stage(request, product_slug, sprint_id, stage_id, WORK)
    criterion = access.access_criterion(request.user, product, criterion_id, WORK, stage=stage)
    form = forms.CriterionTickForm(request.POST)
    if form.is_valid():
        with errors_on(form):
            services.exit_criterion_set(actor=request.user, criterion=criterion, met=form.cleaned_data["met"])
    if request.htmx:
        context = _stage_context(product, sprint, stage, checklist_error=error_text(form))
        return page(request, "sprints/stage.html", context, fragment="checklist", status=form_status(form))
    if form.errors:
        messages.error(request, error_text(form))
    return redirect("sprints:stage", product.slug, sprint.pk, stage.pk)


# --- Helpers -------------------------------------------------------------------


def _formset_errors(formset) -> str:
    errors = [error_text(form) for form in formset.forms if form.errors]
    return "; ".join(errors + list(formset.non_form_errors()))
