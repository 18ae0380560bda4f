"""Release gates: the product's checklist (the PM keeps it), model versions
attached to backlog items (registered from the item page), their gate
results (the team records them) and the PM's sign-off."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from apps.accounts.permissions import Action, can, require
from apps.backlog.access import access_item
from apps.core.forms import errors_on, form_status
from apps.core.http import flash_errors, posted_version
from apps.hypotheses import access, selectors, services
from apps.hypotheses.forms import GateForm, GateResultForm, ModelVersionForm, SignOffForm
from apps.products.access import get_product

MANAGE = Action.MANAGE_RELEASE_GATES
RECORD = Action.RECORD_GATE_RESULTS


@login_required
def gates(request, product_slug):
    """The checklist: every model version of the product passes it before release."""
    product = get_product(request.user, product_slug, Action.VIEW_HYPOTHESES)
    form = GateForm(request.POST or None, initial={"required": True}) if can(request.user, MANAGE, product) else None
    if request.method == "POST":
        require(request.user, MANAGE, product)
        if form is not None and form.is_valid():
            data = form.cleaned_data
            with errors_on(form):
                gate = services.gate_add(
                    actor=request.user,
                    product=product,
                    name=data["name"],
                    description=data["description"],
                    required=data["required"],
                )
                messages.success(request, f"Gate “{gate.name}” added to the checklist.")
                return redirect("hypotheses:gates", product.slug)
    rows = list(access.visible_gates(request.user, product))
    edit_forms = (
        [(gate, GateForm(instance=gate, initial={"version": gate.version}, prefix=f"gate-{gate.pk}")) for gate in rows]
        if can(request.user, MANAGE, product)
        else [(gate, None) for gate in rows]
    )
    context = {
        "product": product,
        "gates": edit_forms,
        "form": form,
        "model_versions": list(access.visible_model_versions(request.user, product)[:50]),
    }
    return TemplateResponse(request, "hypotheses/gates.html", context, status=form_status(form))


@login_required
@require_POST
def gates_set_up(request, product_slug):
    product = get_product(request.user, product_slug, MANAGE)
    services.release_gates_set_up(actor=request.user, product=product)
    messages.success(request, "The checklist starts from the default gates; change it as the product needs.")
    return redirect("hypotheses:gates", product.slug)


@login_required
@require_POST
def gate_edit(request, product_slug, gate_id):
    product = get_product(request.user, product_slug, MANAGE)
    gate = access.access_gate(request.user, product, gate_id, MANAGE)
    form = GateForm(request.POST, prefix=f"gate-{gate.pk}")
    if form.is_valid():
        data = form.cleaned_data
        with flash_errors(request):
            services.gate_update(
                actor=request.user,
                gate=gate,
                expected_version=data["version"],
                name=data["name"],
                description=data["description"],
                required=data["required"],
                position=data["position"],
            )
            messages.success(request, f"Gate “{data['name']}” saved.")
    else:
        messages.error(request, "Give the gate a name and a position.")
    return redirect("hypotheses:gates", product.slug)


@login_required
@require_POST
def gate_remove(request, product_slug, gate_id):
    product = get_product(request.user, product_slug, MANAGE)
    gate = access.access_gate(request.user, product, gate_id, MANAGE)
    services.gate_remove(actor=request.user, gate=gate, expected_version=posted_version(request))
    messages.success(request, f"Gate “{gate.name}” removed from the checklist; results recorded for it stay.")
    return redirect("hypotheses:gates", product.slug)


@login_required
@require_POST
def model_version_register(request, product_slug, number):
    """Attach a model version to a backlog item (from the item page)."""
    product = get_product(request.user, product_slug, RECORD)
    item = access_item(request.user, product, number, RECORD, detail=False)
    form = ModelVersionForm(request.POST, prefix="mv")
    if form.is_valid():
        with flash_errors(request):
            model_version = services.model_version_register(actor=request.user, item=item, **form.cleaned_data)
            messages.success(request, f"{model_version.name} attached; #{item.number} is done once it is signed off.")
            return redirect(model_version.get_absolute_url())
    else:
        messages.error(request, "Name the model version (and give a valid link, if any).")
    return redirect(f"{item.get_absolute_url()}#model-versions")


def _model_version_context(request, product, model_version, **forms) -> dict:
    gates = list(services.active_gates(product))
    states = services.gate_states(gates, selectors.model_version_detail(model_version))
    may_record = can(request.user, RECORD, product) and model_version.status == "candidate"
    return {
        "product": product,
        "model_version": model_version,
        "states": [
            (
                state,
                GateResultForm(
                    initial={
                        "gate": state.gate.pk,
                        "result": state.result.result if state.result else "pass",
                        "evidence": state.result.evidence if state.result else "",
                        "version": model_version.version,
                    },
                    prefix=f"gate-{state.gate.pk}",
                )
                if may_record
                else None,
            )
            for state in states
        ],
        "blocking": services.blocking_reason(model_version, states),
        "ready": model_version.status == "candidate" and not any(state.blocks for state in states),
        "sign_off_form": forms.get("sign_off_form") or SignOffForm(initial={"version": model_version.version}),
        "result_error": forms.get("result_error", ""),
    }


@login_required
def model_version_detail(request, product_slug, model_version_id):
    product = get_product(request.user, product_slug, Action.VIEW_HYPOTHESES)
    model_version = access.access_model_version(request.user, product, model_version_id)
    context = _model_version_context(request, product, model_version)
    return TemplateResponse(request, "hypotheses/model_version.html", context)


@login_required
@require_POST
def gate_result(request, product_slug, model_version_id, gate_id):
    product = get_product(request.user, product_slug, RECORD)
    model_version = access.access_model_version(request.user, product, model_version_id, RECORD)
    gate = access.access_gate(request.user, product, gate_id)
    form = GateResultForm(request.POST, prefix=f"gate-{gate.pk}")
    if form.is_valid():
        with errors_on(form):
            data = form.cleaned_data
            services.gate_result_record(
                actor=request.user,
                model_version=model_version,
                gate=gate,
                result=data["result"],
                evidence=data["evidence"],
                expected_version=data["version"],
            )
            messages.success(request, f"{gate.name}: {data['result']} recorded.")
            return redirect(model_version.get_absolute_url())
    model_version = access.access_model_version(request.user, product, model_version_id)
    context = _model_version_context(request, product, model_version, result_error=f"{gate.name}: {_errors(form)}")
    return TemplateResponse(request, "hypotheses/model_version.html", context, status=form_status(form))


def _errors(form) -> str:
    return " ".join(message for messages_ in form.errors.values() for message in messages_)


@login_required
@require_POST
def model_version_sign_off(request, product_slug, model_version_id):
    product = get_product(request.user, product_slug, Action.SIGN_OFF_RELEASES)
    model_version = access.access_model_version(request.user, product, model_version_id, Action.SIGN_OFF_RELEASES)
    form = SignOffForm(request.POST)
    if form.is_valid():
        with errors_on(form):
            model_version = services.model_version_sign_off(
                actor=request.user,
                model_version=model_version,
                note=form.cleaned_data["note"],
                expected_version=form.cleaned_data["version"],
            )
            messages.success(request, f"{model_version.name} is signed off; #{model_version.item.number} may be done.")
            return redirect(model_version.get_absolute_url())
    model_version = access.access_model_version(request.user, product, model_version_id)
    context = _model_version_context(request, product, model_version, sign_off_form=form)
    return TemplateResponse(request, "hypotheses/model_version.html", context, status=form_status(form))


@login_required
@require_POST
def model_version_withdraw(request, product_slug, model_version_id):
    product = get_product(request.user, product_slug, RECORD)
    model_version = access.access_model_version(request.user, product, model_version_id, RECORD)
    with flash_errors(request):
        services.model_version_withdraw(
            actor=request.user,
            model_version=model_version,
            note=request.POST.get("note", ""),
            expected_version=posted_version(request),
        )
        messages.success(
            request, f"{model_version.name} withdrawn; it no longer holds up #{model_version.item.number}."
        )
    return redirect(model_version.get_absolute_url())
