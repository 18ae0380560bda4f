"""What this app adds to other apps' pages, through apps.sprints.sections
(registered in HypothesesConfig.ready): a sprint's planning assumptions on
its overview, the experiments concluded in it on its review (intermediate
deliveries), and on a backlog item the wrong assumption it follows up, the
hypotheses it tests and its model versions with their release gates."""

from django.urls import reverse

from apps.accounts.permissions import Action, can
from apps.hypotheses import access, selectors, services
from apps.hypotheses.access import visible_assumptions
from apps.hypotheses.forms import AssumptionForm, ModelVersionForm
from apps.sprints import sections


def sprint_assumptions(request, *, product, sprint) -> dict:
    """The sprint's assumptions, what the wrong ones cost, and the form to record one."""
    rows = list(visible_assumptions(request.user, product, sprint=sprint))
    return {
        "assumptions": rows,
        "wrong_cost": selectors.cost_of_wrong(rows),
        "assumption_form": AssumptionForm(),
        "add_url": reverse("hypotheses:assumption-add", args=[product.slug, sprint.pk]),
        "closed": sprint.is_closed,
    }


def review_experiments(request, *, product, sprint) -> dict:
    """Experiments worked in the sprint that concluded: they answered a question, so they count as delivered."""
    experiments = selectors.experiments_concluded_in(sprint)
    return {"experiments": [(experiment, services.observed_summary(experiment)) for experiment in experiments]}


def follow_up_links(request, *, product, item) -> dict | None:
    rows = selectors.spawning_assumptions(item)
    return {"assumptions": rows} if rows else None


def tested_hypotheses(request, *, product, item) -> dict | None:
    rows = selectors.hypotheses_of_item(item)
    return {"hypotheses": rows} if rows else None


def epic_feasibility(request, *, product, item) -> dict | None:
    """On an epic: its feasibility assessment and decision, or the way to make one."""
    if item.kind != "epic":
        return None
    assessment = access.visible_feasibility(request.user, product).filter(epic=item).first()
    return {"assessment": assessment, "may_assess": can(request.user, Action.ASSESS_FEASIBILITY, product)}


def model_versions(request, *, product, item) -> dict | None:
    """The item's model versions, where each stands with its release gates, and the form to attach one."""
    versions = selectors.model_versions_of_item(item)
    if not versions and product.kind != "ml":
        return None  # release gates are for machine-learning products' models
    gates = list(services.active_gates(product)) if versions else []
    rows = []
    for model_version in versions:
        states = services.gate_states(gates, list(model_version.gate_results.all()))
        rows.append(
            {
                "model_version": model_version,
                "states": states,
                "passed": sum(1 for state in states if state.state == "pass"),
                "blocking": services.blocking_reason(model_version, states),
            }
        )
    may_register = can(request.user, Action.RECORD_GATE_RESULTS, product) and item.status != "done"
    return {"model_versions": rows, "model_version_form": ModelVersionForm(prefix="mv") if may_register else None}


def register() -> None:
    sections.register(
        sections.SPRINT_OVERVIEW,
        template="hypotheses/_assumptions.html",
        provider=sprint_assumptions,
        needs=Action.VIEW_ASSUMPTIONS,
    )
    sections.register(
        sections.SPRINT_REVIEW,
        template="hypotheses/_review_experiments.html",
        provider=review_experiments,
        needs=Action.VIEW_HYPOTHESES,
    )
    sections.register(
        sections.ITEM_LINKS,
        template="hypotheses/_item_links.html",
        provider=follow_up_links,
        needs=Action.VIEW_ASSUMPTIONS,
    )
    sections.register(
        sections.ITEM_LINKS,
        template="hypotheses/_item_hypotheses.html",
        provider=tested_hypotheses,
        needs=Action.VIEW_HYPOTHESES,
    )
    sections.register(
        sections.ITEM_LINKS,
        template="hypotheses/_item_feasibility.html",
        provider=epic_feasibility,
        needs=Action.VIEW_HYPOTHESES,
    )
    sections.register(
        sections.ITEM_PANELS,
        template="hypotheses/_item_model_versions.html",
        provider=model_versions,
        needs=Action.VIEW_HYPOTHESES,
    )
