"""Experiment pages (the team's): planning one under a hypothesis, editing
its design, and recording its result, which concludes it and proposes the
hypothesis status for the PM to confirm."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from apps.accounts.permissions import Action, can
from apps.core.forms import errors_on, form_status
from apps.core.http import posted
from apps.hypotheses import access, services
from apps.hypotheses.forms import ExperimentForm, ResultForm
from apps.hypotheses.models import Hypothesis
from apps.products.access import get_product

RECORD = Action.RECORD_EXPERIMENTS


def _sprints(request, product):
    if can(request.user, Action.VIEW_SPRINTS, product):
        return access.sprints_of(request.user, product)
    return access.sprints_of(request.user, product).none()


@login_required
def experiment_create(request, product_slug, number):
    product = get_product(request.user, product_slug, RECORD)
    hypothesis = access.access_hypothesis(request.user, product, number, RECORD)
    form = ExperimentForm(posted(request), sprints=_sprints(request, product))
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            experiment = services.experiment_create(actor=request.user, hypothesis=hypothesis, **form.changes())
            messages.success(request, f"Experiment “{experiment.title}” planned.")
            return redirect(experiment)
    context = {"product": product, "hypothesis": hypothesis, "form": form}
    return TemplateResponse(request, "hypotheses/experiment_form.html", context, status=form_status(form))


def _context(request, product, experiment, *, form=None, result_form=None) -> dict:
    hypothesis = experiment.hypothesis
    may_record = can(request.user, RECORD, product)
    if form is None and may_record:
        form = ExperimentForm(
            instance=experiment,
            initial={"version": experiment.version},
            sprints=_sprints(request, product),
            concluded=experiment.is_concluded,
        )
    if result_form is None and may_record and not experiment.is_concluded:
        result_form = ResultForm(initial={"version": experiment.version})
    return {
        "product": product,
        "experiment": experiment,
        "hypothesis": hypothesis,
        "summary": services.observed_summary(experiment, hypothesis.metric_unit),
        "form": form,
        "result_form": result_form,
        "is_ab": experiment.method == "ab_test",
        "statuses": Hypothesis.Status,
    }


@login_required
def experiment_detail(request, product_slug, experiment_id):
    """The experiment with its design and result; the team edits the design here and records the result."""
    product = get_product(request.user, product_slug, Action.VIEW_HYPOTHESES)
    experiment = access.access_experiment(request.user, product, experiment_id)
    form = None
    if request.method == "POST":
        experiment = access.access_experiment(request.user, product, experiment_id, RECORD)
        form = ExperimentForm(request.POST, sprints=_sprints(request, product), concluded=experiment.is_concluded)
        if form.is_valid():
            with errors_on(form):
                changes = form.changes()
                services.experiment_update(
                    actor=request.user, experiment=experiment, expected_version=form.cleaned_data["version"], **changes
                )
                messages.success(request, "Experiment saved.")
                return redirect(experiment)
        experiment = access.access_experiment(request.user, product, experiment_id)  # as saved
    context = _context(request, product, experiment, form=form)
    return TemplateResponse(request, "hypotheses/experiment_detail.html", context, status=form_status(form))


@login_required
def experiment_result(request, product_slug, experiment_id):
    """Record the observed values and the conclusion (concludes the experiment)."""
    product = get_product(request.user, product_slug, RECORD)
    experiment = access.access_experiment(request.user, product, experiment_id, RECORD)
    if request.method != "POST":
        return redirect(experiment)
    form = ResultForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        with errors_on(form):
            experiment = services.experiment_record_result(
                actor=request.user,
                experiment=experiment,
                conclusion=data["conclusion"],
                tell_requesters=data["tell_requesters"],
                expected_version=data["version"],
                **form.results(),
            )
            if experiment.proposed_status:
                proposed = Hypothesis.Status(experiment.proposed_status).label.lower()
                messages.success(
                    request, f"Result recorded: it proposes “{proposed}”; the product manager confirms the status."
                )
            else:
                messages.success(request, "Result recorded; the experiment is concluded.")
            return redirect(experiment.hypothesis.get_absolute_url() + "#experiments")
    experiment = access.access_experiment(request.user, product, experiment_id, RECORD)
    context = _context(request, product, experiment, result_form=form)
    return TemplateResponse(request, "hypotheses/experiment_detail.html", context, status=form_status(form))
