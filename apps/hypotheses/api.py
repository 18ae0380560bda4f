"""REST API of hypotheses, experiments, the learning log, assumptions,
feasibility and release gates, under /api/v1/products/{product_slug}/.

The product is checked once (ProductScopedMixin); objects and lists come from
apps.hypotheses.access, so the row rule of published hypotheses holds for
every list, filter and search; every write calls a service; edits carry the
`version` they were based on (409 when it is stale). Stakeholders get the
public shapes of published hypotheses and decisions only."""

from functools import cached_property

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.accounts.permissions import Action, require
from apps.backlog.access import access_item
from apps.backlog.models import Blocker
from apps.core.http import as_id
from apps.hypotheses import access, selectors, services
from apps.hypotheses.filters import (
    AssumptionFilter,
    ExperimentFilter,
    HypothesisFilter,
    LearningFilter,
    ModelVersionFilter,
)
from apps.hypotheses.models import (
    Assumption,
    Experiment,
    FeasibilityAssessment,
    GateResult,
    Hypothesis,
    HypothesisItem,
    HypothesisRequest,
    LearningEntry,
    ModelVersion,
    ReleaseGate,
)
from apps.hypotheses.serializers import (
    AssumptionCreateSerializer,
    AssumptionSerializer,
    DecisionInputSerializer,
    ExperimentInputSerializer,
    ExperimentSerializer,
    FeasibilityInputSerializer,
    FeasibilitySerializer,
    GateResultInputSerializer,
    HeldSerializer,
    HypothesisInputSerializer,
    HypothesisSerializer,
    LearningEntrySerializer,
    LinksInputSerializer,
    ModelVersionInputSerializer,
    ModelVersionSerializer,
    NoteInputSerializer,
    PublicHypothesisSerializer,
    PublicLearningEntrySerializer,
    PublishInputSerializer,
    ReleaseGateSerializer,
    ResultInputSerializer,
    StatusInputSerializer,
    TestItemsCreatedSerializer,
    TestItemsInputSerializer,
    WrongSerializer,
)
from apps.products.access import ProductScopedMixin
from apps.sprints.access import access_sprint, access_stage

STALE = OpenApiResponse(description="Stale version: someone changed it since")


def _version(data: dict) -> int:
    if data.get("version") is None:
        raise ValidationError({"version": "Send the version you edited, so a newer change is not overwritten."})
    return data.pop("version")


class _ScopedViewSet(ProductScopedMixin, viewsets.GenericViewSet):
    @property
    def fake(self) -> bool:
        return getattr(self, "swagger_fake_view", False)

    @property
    def internal(self) -> bool:
        return not self.fake and access.sees_internals(self.request.user, self.product)

    def _input(self, serializer_class, **kwargs) -> dict:
        serializer = serializer_class(data=self.request.data, **kwargs)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


# --- hypotheses -----------------------------------------------------------------------------------


class HypothesisViewSet(_ScopedViewSet, mixins.ListModelMixin):
    """Hypotheses of a product, newest first, with the ledger's figures.
    Everyone in the product reads the published ones (statement, outcome,
    learning); the team reads every one with its notes, observed value and
    links; the PM writes, edits, decides, publishes and links them. Filters as
    on the ledger page: status, owner, metric, due dates, published, `q`."""

    lookup_field = "number"
    lookup_value_regex = r"\d+"
    filterset_class = HypothesisFilter
    ordering_fields = ["number", "target_date", "updated_at"]
    default_required = Action.VIEW_PUBLISHED_HYPOTHESES
    required = {
        "create": Action.MANAGE_HYPOTHESES,
        "partial_update": Action.MANAGE_HYPOTHESES,
        "status": Action.MANAGE_HYPOTHESES,
        "publish": Action.PUBLISH_HYPOTHESES,
        "test_items": Action.MANAGE_HYPOTHESES,
        "links": Action.MANAGE_HYPOTHESES,
        "unlink": Action.MANAGE_HYPOTHESES,
    }

    def get_queryset(self):
        if self.fake:
            return Hypothesis.objects.none()
        rows = selectors.ledger(access.visible_hypotheses(self.request.user, self.product))
        if self.internal:
            rows = rows.prefetch_related(
                Prefetch(
                    "item_links",
                    queryset=HypothesisItem.objects.select_related("item").only("hypothesis_id", "item__number"),
                ),
                Prefetch(
                    "request_links",
                    queryset=HypothesisRequest.objects.select_related("request").only(
                        "hypothesis_id", "request__number"
                    ),
                ),
            )
        return rows

    def get_serializer_class(self):
        return HypothesisSerializer if self.internal else PublicHypothesisSerializer

    def _hypothesis(self, action: Action | None = None) -> Hypothesis:
        return access.access_hypothesis(
            self.request.user, self.product, self.kwargs["number"], action or self.required_action
        )

    def _shown(self, hypothesis: Hypothesis, code=status.HTTP_200_OK) -> Response:
        row = self.get_queryset().get(pk=hypothesis.pk)
        return Response(self.get_serializer_class()(row).data, status=code)

    def _fields(self, data: dict) -> dict:
        """The input's fields as the service takes them: the metric and owner resolved in this product."""
        if "metric" in data:
            data["metric"] = access.access_metric_choice(self.request.user, self.product, data["metric"])
        if "owner" in data:
            username = data["owner"]
            data["owner"] = None
            if username:
                data["owner"] = access.team_of(self.request.user, self.product).filter(username=username).first()
                if data["owner"] is None:
                    raise ValidationError({"owner": f"{username!r} is not on this product's team."})
        return data

    @extend_schema(responses=HypothesisSerializer)
    def retrieve(self, request, *args, **kwargs):
        return self._shown(self._hypothesis())

    @extend_schema(request=HypothesisInputSerializer, responses={201: HypothesisSerializer})
    def create(self, request, *args, **kwargs):
        data = self._fields(self._input(HypothesisInputSerializer))
        data.pop("version", None)
        missing = [name for name in ("change", "audience", "outcome") if not data.get(name)]
        if missing:
            raise ValidationError(dict.fromkeys(missing, "Fill in every part of the statement."))
        hypothesis = services.hypothesis_create(actor=request.user, product=self.product, **data)
        return self._shown(hypothesis, status.HTTP_201_CREATED)

    @extend_schema(request=HypothesisInputSerializer, responses={200: HypothesisSerializer, 409: STALE})
    def partial_update(self, request, *args, **kwargs):
        hypothesis = self._hypothesis()
        data = self._input(HypothesisInputSerializer)
        version = _version(data)
        hypothesis = services.hypothesis_update(
            actor=request.user, hypothesis=hypothesis, expected_version=version, **self._fields(data)
        )
        return self._shown(hypothesis)

    @extend_schema(request=StatusInputSerializer, responses={200: HypothesisSerializer, 409: STALE})
    @action(detail=True, methods=["post"])
    def status(self, request, *args, **kwargs):
        """The PM's decision: proposed → testing (needs a metric and target) →
        validated / invalidated / inconclusive (needs what we learned), and back
        to testing only with a reason."""
        data = self._input(StatusInputSerializer)
        hypothesis = services.hypothesis_set_status(
            actor=request.user,
            hypothesis=self._hypothesis(),
            status=data["status"],
            reason=data["reason"],
            learning=data.get("learning"),
            next_step=data.get("next_step"),
            confidence_after=data.get("confidence_after"),
            expected_version=_version(data),
        )
        return self._shown(hypothesis)

    @extend_schema(request=PublishInputSerializer, responses={200: HypothesisSerializer, 409: STALE})
    @action(detail=True, methods=["post"])
    def publish(self, request, *args, **kwargs):
        """Show a concluded hypothesis to stakeholders (`published: false` takes it back)."""
        data = self._input(PublishInputSerializer)
        hypothesis = services.hypothesis_publish(
            actor=request.user,
            hypothesis=self._hypothesis(),
            published=data["published"],
            expected_version=_version(data),
        )
        return self._shown(hypothesis)

    @extend_schema(request=TestItemsInputSerializer, responses={201: TestItemsCreatedSerializer})
    @action(detail=True, methods=["post"], url_path="test-items")
    def test_items(self, request, *args, **kwargs):
        """Create the backlog items that test the hypothesis, linked to it, in one step."""
        require(request.user, Action.ADD_BACKLOG_ITEM, self.product)
        data = self._input(TestItemsInputSerializer)
        items = services.hypothesis_create_test_items(
            actor=request.user, hypothesis=self._hypothesis(), items=[dict(row) for row in data["items"]]
        )
        return Response(TestItemsCreatedSerializer({"items": items}).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=LinksInputSerializer, responses=HypothesisSerializer)
    @action(detail=True, methods=["post"])
    def links(self, request, *args, **kwargs):
        """Link backlog items (by number) as tests, and the requests (by number) that motivated it."""
        hypothesis = self._hypothesis()
        data = self._input(LinksInputSerializer)
        items = access.linkable_items(request.user, self.product, data["items"])
        requests = access.linkable_requests(request.user, self.product, data["requests"])
        services.hypothesis_link_items(actor=request.user, hypothesis=hypothesis, items=items)
        services.hypothesis_link_requests(actor=request.user, hypothesis=hypothesis, requests=requests)
        return self._shown(hypothesis)

    @extend_schema(request=LinksInputSerializer, responses=HypothesisSerializer)
    @action(detail=True, methods=["post"])
    def unlink(self, request, *args, **kwargs):
        hypothesis = self._hypothesis()
        data = self._input(LinksInputSerializer)
        for item in access.linkable_items(request.user, self.product, data["items"]):
            services.hypothesis_unlink_item(actor=request.user, hypothesis=hypothesis, item=item)
        for found in access.linkable_requests(request.user, self.product, data["requests"]):
            services.hypothesis_unlink_request(actor=request.user, hypothesis=hypothesis, stakeholder_request=found)
        return self._shown(hypothesis)


# --- experiments ---------------------------------------------------------------------------------------


class ExperimentViewSet(_ScopedViewSet, mixins.ListModelMixin):
    """Experiments (the team's; stakeholders never see them). Recording a
    result (`result/`) concludes one and proposes its hypothesis's status by
    comparing the observed value with the target in the metric's direction."""

    serializer_class = ExperimentSerializer
    filterset_class = ExperimentFilter
    ordering_fields = ["created_at", "concluded_at"]
    lookup_value_regex = r"\d+"
    default_required = Action.VIEW_HYPOTHESES
    required = {
        "create": Action.RECORD_EXPERIMENTS,
        "partial_update": Action.RECORD_EXPERIMENTS,
        "result": Action.RECORD_EXPERIMENTS,
    }

    def get_queryset(self):
        if self.fake:
            return Experiment.objects.none()
        return (
            access.visible_experiments(self.request.user, self.product)
            .select_related("hypothesis", "concluded_by")
            .order_by("-created_at", "-id")
        )

    def _experiment(self) -> Experiment:
        return access.access_experiment(self.request.user, self.product, self.kwargs["pk"], self.required_action)

    def _shown(self, experiment: Experiment, code=status.HTTP_200_OK) -> Response:
        return Response(ExperimentSerializer(self.get_queryset().get(pk=experiment.pk)).data, status=code)

    def _design(self, data: dict) -> dict:
        if "sprint" in data:
            data["sprint"] = access.access_sprint_choice(self.request.user, self.product, data["sprint"])
        return data

    def retrieve(self, request, *args, **kwargs):
        return self._shown(self._experiment())

    @extend_schema(request=ExperimentInputSerializer, responses={201: ExperimentSerializer})
    def create(self, request, *args, **kwargs):
        data = self._design(self._input(ExperimentInputSerializer))
        data.pop("version", None)
        number = data.pop("hypothesis", None)
        if number is None:
            raise ValidationError({"hypothesis": "Name the hypothesis (its number) the experiment tests."})
        hypothesis = access.access_hypothesis_by_number(
            request.user, self.product, number, Action.RECORD_EXPERIMENTS, field="hypothesis"
        )
        for name in ("title", "method"):
            if not data.get(name):
                raise ValidationError({name: "This field is required."})
        experiment = services.experiment_create(actor=request.user, hypothesis=hypothesis, **data)
        return self._shown(experiment, status.HTTP_201_CREATED)

    @extend_schema(request=ExperimentInputSerializer, responses={200: ExperimentSerializer, 409: STALE})
    def partial_update(self, request, *args, **kwargs):
        experiment = self._experiment()
        data = self._design(self._input(ExperimentInputSerializer))
        if "hypothesis" in data:
            raise ValidationError({"hypothesis": "An experiment stays with its hypothesis."})
        experiment = services.experiment_update(
            actor=request.user, experiment=experiment, expected_version=_version(data), **data
        )
        return self._shown(experiment)

    @extend_schema(request=ResultInputSerializer, responses={200: ExperimentSerializer, 409: STALE})
    @action(detail=True, methods=["post"])
    def result(self, request, *args, **kwargs):
        data = self._input(ResultInputSerializer)
        experiment = services.experiment_record_result(
            actor=request.user,
            experiment=self._experiment(),
            conclusion=data.pop("conclusion"),
            tell_requesters=data.pop("tell_requesters"),
            expected_version=_version(data),
            **data,
        )
        return self._shown(experiment)


# --- the learning log -------------------------------------------------------------------------------------


class LearningLogViewSet(_ScopedViewSet, mixins.ListModelMixin):
    """The learning log, newest first: decisions and concluded experiments
    for the team; the decisions on published hypotheses for everyone else.
    Searchable (`q`) and filterable as on its page."""

    filterset_class = LearningFilter
    default_required = Action.VIEW_PUBLISHED_HYPOTHESES

    def get_queryset(self):
        if self.fake:
            return LearningEntry.objects.none()
        return selectors.learning_entries(access.visible_learning(self.request.user, self.product))

    def get_serializer_class(self):
        return LearningEntrySerializer if self.internal else PublicLearningEntrySerializer


# --- assumptions ---------------------------------------------------------------------------------------------


class AssumptionViewSet(_ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Assumptions, on a sprint or a hypothesis. The team records them and
    marks them held or wrong; a wrong one's follow-up work becomes backlog
    items (placing them in the sprint needs the right to plan it)."""

    required = {"list": Action.VIEW_ASSUMPTIONS, "retrieve": Action.VIEW_ASSUMPTIONS}
    default_required = Action.RECORD_ASSUMPTIONS
    serializer_class = AssumptionSerializer
    filterset_class = AssumptionFilter
    ordering_fields = ["created_at", "checked_at"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if self.fake:
            return Assumption.objects.none()
        return access.visible_assumptions(self.request.user, self.product)

    def get_object(self) -> Assumption:
        return access.access_assumption(self.request.user, self.product, self.kwargs["pk"], self.required_action)

    def retrieve(self, request, *args, **kwargs):
        assumption = access.access_assumption(
            request.user,
            self.product,
            kwargs["pk"],
            Action.VIEW_ASSUMPTIONS,
            rows=selectors.assumptions(self.product),
        )
        return Response(AssumptionSerializer(assumption).data)

    def _answer(self, assumption: Assumption, code=status.HTTP_200_OK) -> Response:
        return Response(AssumptionSerializer(selectors.assumption_row(assumption)).data, status=code)

    @extend_schema(request=AssumptionCreateSerializer, responses={201: AssumptionSerializer})
    def create(self, request, *args, **kwargs):
        data = self._input(AssumptionCreateSerializer)
        owner: dict = {}
        if data.get("sprint") is not None:
            owner["sprint"] = access_sprint(
                request.user, self.product, data["sprint"], Action.RECORD_ASSUMPTIONS, field="sprint"
            )
        else:
            owner["hypothesis"] = access.access_hypothesis_by_number(
                request.user, self.product, data["hypothesis"], Action.RECORD_ASSUMPTIONS, field="hypothesis"
            )
        assumption = services.assumption_record(
            actor=request.user, text=data["text"], category=data["category"], **owner
        )
        return self._answer(assumption, status.HTTP_201_CREATED)

    @extend_schema(request=HeldSerializer, responses=AssumptionSerializer)
    @action(detail=True, methods=["post"])
    def held(self, request, *args, **kwargs):
        data = self._input(HeldSerializer)
        assumption = services.assumption_mark_held(
            actor=request.user,
            assumption=self.get_object(),
            note=data["note"],
            expected_version=data.get("version"),
        )
        return self._answer(assumption)

    @extend_schema(request=WrongSerializer, responses=AssumptionSerializer)
    @action(detail=True, methods=["post"])
    def wrong(self, request, *args, **kwargs):
        data = self._input(WrongSerializer)
        assumption = self.get_object()
        if data["place"] == services.INTO_SPRINT:
            require(request.user, Action.PLAN_SPRINTS, self.product)  # work put into the sprint is planning it
        stage = None
        if data.get("stage") is not None:
            if assumption.sprint is None:
                raise serializers.ValidationError({"stage": ["The assumption belongs to no sprint."]})
            stage = access_stage(
                request.user,
                self.product,
                data["stage"],
                Action.RECORD_ASSUMPTIONS,
                sprint=assumption.sprint,
                field="stage",
            )
        assumption = services.assumption_mark_wrong(
            actor=request.user,
            assumption=assumption,
            note=data["note"],
            place=data["place"],
            stage=stage,
            follow_ups=[dict(row) for row in data["follow_ups"]],
            expected_version=data.get("version"),
        )
        return self._answer(assumption)


# --- feasibility -----------------------------------------------------------------------------------------------


class FeasibilityViewSet(_ScopedViewSet, mixins.ListModelMixin):
    """Feasibility assessments of epics and hypotheses (the team's); the PM decides go / no-go (`decide/`)."""

    serializer_class = FeasibilitySerializer
    filterset_fields = ["decision", "data_availability", "data_quality"]
    lookup_value_regex = r"\d+"
    default_required = Action.VIEW_HYPOTHESES
    required = {
        "create": Action.ASSESS_FEASIBILITY,
        "partial_update": Action.ASSESS_FEASIBILITY,
        "decide": Action.DECIDE_FEASIBILITY,
    }

    def get_queryset(self):
        if self.fake:
            return FeasibilityAssessment.objects.none()
        return access.visible_feasibility(self.request.user, self.product)

    def _assessment(self) -> FeasibilityAssessment:
        return access.access_feasibility(self.request.user, self.product, self.kwargs["pk"], self.required_action)

    def _shown(self, assessment: FeasibilityAssessment, code=status.HTTP_200_OK) -> Response:
        return Response(FeasibilitySerializer(self.get_queryset().get(pk=assessment.pk)).data, status=code)

    def _blockers(self, ids) -> list[Blocker]:
        found = {b.pk: b for b in access.data_access_blockers(self.request.user, self.product).filter(pk__in=ids)}
        missing = [pk for pk in ids if pk not in found]
        if missing:
            raise ValidationError(
                {"blockers": f"No data-access blocker {', '.join(map(str, missing))} in this product."}
            )
        return [found[pk] for pk in ids]

    def retrieve(self, request, *args, **kwargs):
        return self._shown(self._assessment())

    @extend_schema(request=FeasibilityInputSerializer, responses={201: FeasibilitySerializer})
    def create(self, request, *args, **kwargs):
        data = self._input(FeasibilityInputSerializer)
        data.pop("version", None)
        subject: dict = {}
        if data.get("epic") is not None:
            subject["epic"] = access.access_epic(request.user, self.product, data.pop("epic"), Action.VIEW_BACKLOG)
        data.pop("epic", None)
        if data.get("hypothesis") is not None:
            subject["hypothesis"] = access.access_hypothesis_by_number(
                request.user, self.product, data["hypothesis"], Action.ASSESS_FEASIBILITY, field="hypothesis"
            )
        data.pop("hypothesis", None)
        blockers = self._blockers(data.pop("blockers", []))
        assessment = services.feasibility_create(
            actor=request.user, product=self.product, blockers=blockers, **subject, **data
        )
        return self._shown(assessment, status.HTTP_201_CREATED)

    @extend_schema(request=FeasibilityInputSerializer, responses={200: FeasibilitySerializer, 409: STALE})
    def partial_update(self, request, *args, **kwargs):
        assessment = self._assessment()
        data = self._input(FeasibilityInputSerializer)
        if data.pop("epic", None) is not None or data.pop("hypothesis", None) is not None:
            raise ValidationError("An assessment stays with what it assesses.")
        blockers = self._blockers(data.pop("blockers")) if "blockers" in data else None
        assessment = services.feasibility_update(
            actor=request.user, assessment=assessment, expected_version=_version(data), blockers=blockers, **data
        )
        return self._shown(assessment)

    @extend_schema(request=DecisionInputSerializer, responses={200: FeasibilitySerializer, 409: STALE})
    @action(detail=True, methods=["post"])
    def decide(self, request, *args, **kwargs):
        data = self._input(DecisionInputSerializer)
        assessment = services.feasibility_decide(
            actor=request.user,
            assessment=self._assessment(),
            decision=data["decision"],
            reason=data["reason"],
            expected_version=_version(data),
        )
        return self._shown(assessment)


# --- release gates ------------------------------------------------------------------------------------------------


class ReleaseGateViewSet(_ScopedViewSet, mixins.ListModelMixin):
    """The product's release gate checklist (the team reads it; the PM edits
    it). Removing a gate archives it: results recorded for it stay."""

    serializer_class = ReleaseGateSerializer
    lookup_value_regex = r"\d+"
    default_required = Action.VIEW_HYPOTHESES
    required = {
        "create": Action.MANAGE_RELEASE_GATES,
        "partial_update": Action.MANAGE_RELEASE_GATES,
        "destroy": Action.MANAGE_RELEASE_GATES,
    }

    def get_queryset(self):
        if self.fake:
            return ReleaseGate.objects.none()
        return access.visible_gates(self.request.user, self.product)

    def _gate(self) -> ReleaseGate:
        return access.access_gate(self.request.user, self.product, self.kwargs["pk"], self.required_action)

    def retrieve(self, request, *args, **kwargs):
        return Response(ReleaseGateSerializer(self._gate()).data)

    @extend_schema(request=ReleaseGateSerializer, responses={201: ReleaseGateSerializer})
    def create(self, request, *args, **kwargs):
        data = self._input(ReleaseGateSerializer)
        gate = services.gate_add(
            actor=request.user,
            product=self.product,
            name=data["name"],
            description=data.get("description", ""),
            required=data.get("required", True),
        )
        return Response(ReleaseGateSerializer(gate).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReleaseGateSerializer, responses={200: ReleaseGateSerializer, 409: STALE})
    def partial_update(self, request, *args, **kwargs):
        gate = self._gate()
        data = self._input(ReleaseGateSerializer, partial=True)
        gate = services.gate_update(actor=request.user, gate=gate, expected_version=_version(data), **data)
        return Response(ReleaseGateSerializer(gate).data)

    @extend_schema(responses={204: None, 409: STALE})
    def destroy(self, request, *args, **kwargs):
        version = as_id(request.query_params.get("version"))
        services.gate_remove(actor=request.user, gate=self._gate(), expected_version=version)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ModelVersionViewSet(_ScopedViewSet, mixins.ListModelMixin):
    """Model versions attached to backlog items, with where each gate stands.
    The team attaches versions and records gate results (`gates/`); only a PM
    signs off (`sign-off/`), and only once every required gate passed. While a
    version is a candidate, its item cannot be marked done."""

    serializer_class = ModelVersionSerializer
    filterset_class = ModelVersionFilter
    lookup_value_regex = r"\d+"
    default_required = Action.VIEW_HYPOTHESES
    required = {
        "create": Action.RECORD_GATE_RESULTS,
        "partial_update": Action.RECORD_GATE_RESULTS,
        "gates": Action.RECORD_GATE_RESULTS,
        "withdraw": Action.RECORD_GATE_RESULTS,
        "sign_off": Action.SIGN_OFF_RELEASES,
    }

    @cached_property
    def gates_of_product(self) -> list[ReleaseGate]:
        return list(services.active_gates(self.product))

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["gates"] = [] if self.fake else self.gates_of_product
        return context

    def get_queryset(self):
        if self.fake:
            return ModelVersion.objects.none()
        return access.visible_model_versions(self.request.user, self.product).prefetch_related(
            Prefetch("gate_results", queryset=GateResult.objects.select_related("recorded_by"))
        )

    def _model_version(self) -> ModelVersion:
        return access.access_model_version(self.request.user, self.product, self.kwargs["pk"], self.required_action)

    def _shown(self, model_version: ModelVersion, code=status.HTTP_200_OK) -> Response:
        row = self.get_queryset().get(pk=model_version.pk)
        return Response(ModelVersionSerializer(row, context=self.get_serializer_context()).data, status=code)

    def retrieve(self, request, *args, **kwargs):
        return self._shown(self._model_version())

    @extend_schema(request=ModelVersionInputSerializer, responses={201: ModelVersionSerializer})
    def create(self, request, *args, **kwargs):
        data = self._input(ModelVersionInputSerializer)
        if data.get("item") is None or not data.get("name"):
            raise ValidationError({"item": "Name the backlog item (its number) and the version."})
        try:
            item = access_item(request.user, self.product, data["item"], Action.RECORD_GATE_RESULTS, detail=False)
        except Http404:
            raise ValidationError({"item": f"No item #{data['item']} in this product's backlog."}) from None
        model_version = services.model_version_register(
            actor=request.user,
            item=item,
            name=data["name"],
            notes=data.get("notes", ""),
            artifact_url=data.get("artifact_url", ""),
        )
        return self._shown(model_version, status.HTTP_201_CREATED)

    @extend_schema(request=ModelVersionInputSerializer, responses={200: ModelVersionSerializer, 409: STALE})
    def partial_update(self, request, *args, **kwargs):
        model_version = self._model_version()
        data = self._input(ModelVersionInputSerializer)
        if data.pop("item", None) is not None:
            raise ValidationError({"item": "A model version stays with its item."})
        model_version = services.model_version_update(
            actor=request.user, model_version=model_version, expected_version=_version(data), **data
        )
        return self._shown(model_version)

    @extend_schema(request=GateResultInputSerializer, responses={200: ModelVersionSerializer, 409: STALE})
    @action(detail=True, methods=["post"])
    def gates(self, request, *args, **kwargs):
        """Record (or correct) one gate's result: pass or fail, with evidence (needed for a fail)."""
        model_version = self._model_version()
        data = self._input(GateResultInputSerializer)
        try:
            gate = access.access_gate(request.user, self.product, data["gate"])
        except Http404:
            raise ValidationError({"gate": "No such gate on this product's checklist."}) from None
        services.gate_result_record(
            actor=request.user,
            model_version=model_version,
            gate=gate,
            result=data["result"],
            evidence=data["evidence"],
            expected_version=data.get("version"),
        )
        return self._shown(model_version)

    @extend_schema(request=NoteInputSerializer, responses={200: ModelVersionSerializer, 409: STALE})
    @action(detail=True, methods=["post"], url_path="sign-off")
    def sign_off(self, request, *args, **kwargs):
        data = self._input(NoteInputSerializer)
        model_version = services.model_version_sign_off(
            actor=request.user, model_version=self._model_version(), note=data["note"], expected_version=_version(data)
        )
        return self._shown(model_version)

    @extend_schema(request=NoteInputSerializer, responses={200: ModelVersionSerializer, 409: STALE})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, *args, **kwargs):
        data = self._input(NoteInputSerializer)
        model_version = services.model_version_withdraw(
            actor=request.user, model_version=self._model_version(), note=data["note"], expected_version=_version(data)
        )
        return self._shown(model_version)
