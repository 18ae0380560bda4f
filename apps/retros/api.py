"""REST API of retrospectives, under /api/v1/products/{product_slug}/.

Objects come through apps.retros.access (the same rules as the pages: the
team only, the facilitator runs phases, people change only their own cards,
nobody sees others' cards while they are written), changes through
apps.retros.services. Refusals are 400 with a message, stale edits 409.
"""

from collections import Counter, defaultdict
from functools import cached_property

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.models import User
from apps.accounts.permissions import Action
from apps.core.http import as_id
from apps.core.idempotency import idempotency_exempt
from apps.products.access import ProductScopedMixin, get_product
from apps.retros import access, selectors, services, writers
from apps.retros.filters import ActionFilter, CardFilter, RetroFilter, ThemeFilter
from apps.retros.models import ActionItem, Card, Column, HealthDimension, Phase, RetroFormat, Retrospective, Theme, Vote
from apps.retros.serializers import (
    ActionCreateSerializer,
    ActionSerializer,
    ActionUpdateSerializer,
    BacklogLinkSerializer,
    BoardSerializer,
    CardCreateSerializer,
    CardGroupSerializer,
    CardSerializer,
    CardUpdateSerializer,
    ColumnSerializer,
    DimensionSerializer,
    DiscussSerializer,
    HandOverSerializer,
    HealthAnswerSerializer,
    HealthCheckSerializer,
    LayoutSerializer,
    PhaseSerializer,
    RetroCreateSerializer,
    RetroSerializer,
    RetroUpdateSerializer,
    ReviewSerializer,
    SettingsSerializer,
    ThemeCreateSerializer,
    ThemeSerializer,
    ThemeUpdateSerializer,
    VoteCreateSerializer,
    VoteSerializer,
)
from apps.sprints.access import access_sprint, access_stage

READS = ("list", "retrieve", "board", "summary")


def _fake(view) -> bool:
    return getattr(view, "swagger_fake_view", False)


def _team_member(product, user_id, field: str = "owner") -> User | None:
    person = selectors.team_member(product, user_id)
    if person is None and user_id is not None:
        raise ValidationError({field: "Choose someone from the product's team."})
    return person


class RetroViewSet(
    ProductScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Retrospectives of the product's sprints. The team reads and takes part;
    product managers and scrum masters open them; the facilitator runs the phases."""

    lookup_value_regex = r"\d+"
    serializer_class = RetroSerializer
    filterset_class = RetroFilter
    ordering_fields = ["created_at", "closed_at"]
    required = {"create": Action.FACILITATE_RETRO, **dict.fromkeys(READS, Action.VIEW_RETROS)}
    default_required = Action.TAKE_PART_IN_RETRO

    def get_queryset(self):
        if _fake(self):
            return Retrospective.objects.none()
        return (
            access.visible_retros(self.request.user, self.product)
            .select_related("sprint", "facilitator")
            .order_by("-created_at", "-id")
        )

    def get_object(self) -> Retrospective:
        return access.access_retro(self.request.user, self.product, self.kwargs["pk"], Action.VIEW_RETROS)

    @extend_schema(request=RetroCreateSerializer, responses={201: RetroSerializer})
    def create(self, request, *args, **kwargs):
        data = RetroCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        sprint = access_sprint(request.user, self.product, values["sprint"], Action.FACILITATE_RETRO, field="sprint")
        stage = (
            access_stage(
                request.user, self.product, values["stage"], Action.FACILITATE_RETRO, sprint=sprint, field="stage"
            )
            if values.get("stage")
            else None
        )
        retro = services.retro_create(
            actor=request.user,
            product=self.product,
            sprint=sprint,
            stage=stage,
            title=values.get("title", ""),
            format_key=values["format_key"],
            votes_per_person=values.get("votes_per_person"),
            several_votes_per_theme=values.get("several_votes_per_theme"),
            facilitator=_team_member(self.product, values.get("facilitator"), field="facilitator") or request.user,
            health_check=values["health_check"],
        )
        return Response(RetroSerializer(retro).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RetroUpdateSerializer, responses=RetroSerializer)
    def partial_update(self, request, *args, **kwargs):
        retro = access.access_retro_to_facilitate(request.user, self.product, kwargs["pk"])
        data = RetroUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        retro = services.retro_update(actor=request.user, retro=retro, expected_version=values.pop("version"), **values)
        return Response(RetroSerializer(retro).data)

    @extend_schema(request=PhaseSerializer, responses=RetroSerializer)
    @action(detail=True, methods=["post"])
    def phase(self, request, *args, **kwargs):
        """Move to a later phase (facilitator only)."""
        retro = access.access_retro_to_facilitate(request.user, self.product, kwargs["pk"])
        data = PhaseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        retro = services.phase_advance(actor=request.user, retro=retro, to=data.validated_data["to"])
        return Response(RetroSerializer(retro).data)

    @extend_schema(request=HandOverSerializer, responses=RetroSerializer)
    @action(detail=True, methods=["post"])
    def facilitator(self, request, *args, **kwargs):
        """Hand the facilitation to someone in the team (the facilitator, a PM or a scrum master)."""
        retro = access.access_retro_to_hand_over(request.user, self.product, kwargs["pk"])
        data = HandOverSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        person = _team_member(self.product, data.validated_data["facilitator"], field="facilitator")
        retro = services.retro_hand_over(
            actor=request.user, retro=retro, facilitator=person, expected_version=data.validated_data.get("version")
        )
        return Response(RetroSerializer(retro).data)

    @extend_schema(request=DiscussSerializer, responses=RetroSerializer)
    @action(detail=True, methods=["post"])
    def discuss(self, request, *args, **kwargs):
        """Discuss one theme, with a timer (facilitator only)."""
        retro = access.access_retro_to_facilitate(request.user, self.product, kwargs["pk"])
        data = DiscussSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        theme = access.access_theme(
            request.user, retro, data.validated_data["theme"], Action.TAKE_PART_IN_RETRO, field="theme"
        )
        retro = services.discuss(
            actor=request.user, retro=retro, theme=theme, minutes=data.validated_data.get("minutes")
        )
        return Response(RetroSerializer(retro).data)

    @extend_schema(request=ReviewSerializer, responses=ActionSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, *args, **kwargs):
        """Review an open action of an earlier retrospective: done, carried or dropped (facilitator only)."""
        retro = access.access_retro_to_facilitate(request.user, self.product, kwargs["pk"])
        data = ReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = access.access_action(
            request.user, self.product, data.validated_data["action"], Action.TAKE_PART_IN_RETRO, field="action"
        )
        item = services.action_review(
            actor=request.user, retro=retro, action=item, outcome=data.validated_data["outcome"]
        )
        return Response(ActionSerializer(item).data)

    @extend_schema(
        parameters=[OpenApiParameter("since", int, description="The board_version you have; 204 if unchanged.")],
        responses={200: BoardSerializer, 204: OpenApiResponse(description="Nothing changed since `since`.")},
    )
    @action(detail=True, methods=["get"])
    def board(self, request, *args, **kwargs):
        """The whole board as you may see it: what a client polls every few seconds."""
        if as_id(request.query_params.get("since")) == access.board_version(
            request.user, kwargs["product_slug"], kwargs["pk"]
        ):
            return Response(status=status.HTTP_204_NO_CONTENT)
        retro = self.get_object()
        board = selectors.board(retro, request.user, writers.secret_of(request))
        cards = [card for column in board.columns for card in column.cards] + [
            card for view in board.themes for card in view.cards
        ]
        context = _theme_context(board.themes, retro)
        return Response(
            {
                "retro": RetroSerializer(retro).data,
                "columns": ColumnSerializer([view.column for view in board.columns], many=True).data,
                "cards": [
                    {
                        "id": card.pk,
                        "column": card.column_id,
                        "theme": card.theme_id,
                        "text": card.content,
                        "anonymous": card.anonymous,
                        "author": card.author_id,
                        "author_name": card.author,
                        "mine": card.pk in board.own,
                        "version": card.version,
                    }
                    for card in cards
                ],
                "themes": ThemeSerializer([view.theme for view in board.themes], many=True, context=context).data,
                "votes_left": board.votes_left,
                "card_count": board.card_count,
            }
        )

    @extend_schema(responses={200: dict})
    @action(detail=True, methods=["get"])
    def summary(self, request, *args, **kwargs):
        """Themes by votes, decisions, actions and the health grid (no card authors)."""
        return Response(selectors.retro_summary(self.get_object()))


def _health_data(user, check) -> dict:
    answers = selectors.answer_count(check)
    return {
        "id": check.pk,
        "status": check.status,
        "dimensions": check.dimensions,
        "min_answers": check.min_answers,
        "answer_count": answers["count"],
        "answer_count_exact": answers["exact"],
        "answered": selectors.has_answered(check, user),
        "results": selectors.health_of(check) if check.enough_answers else None,
    }


def _theme_context(theme_views, retro) -> dict:
    return {
        "votes_public": retro.is_at_least(Phase.DISCUSS),
        "my_votes": {view.theme.pk: view.my_votes for view in theme_views},
        "cards_by_theme": {view.theme.pk: [card.pk for card in view.cards] for view in theme_views},
    }


def _own(user, cards, secret, retro) -> set[int]:
    return {card.pk for card in cards if access.is_own_card(user, card, secret)}


class RetroScopedMixin(ProductScopedMixin):
    """For viewsets under /retros/{retro_pk}/: the retro, checked once per request."""

    required = dict.fromkeys(READS, Action.VIEW_RETROS)
    default_required = Action.TAKE_PART_IN_RETRO

    @cached_property
    def retro(self) -> Retrospective:
        action_needed = self.required.get(self.action or "", self.default_required)
        return access.access_retro(self.request.user, self.product, self.kwargs["retro_pk"], action_needed)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not _fake(self):
            self.retro  # noqa: B018 -- resolve (and check) before any work is done


class ColumnViewSet(RetroScopedMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The columns of a retrospective's board (fixed when it opens)."""

    serializer_class = ColumnSerializer
    lookup_value_regex = r"\d+"
    pagination_class = None

    def get_queryset(self):
        if _fake(self):
            return Column.objects.none()
        return access.visible_columns(self.request.user, self.retro)

    def get_object(self) -> Column:
        return access.access_column(self.request.user, self.retro, self.kwargs["pk"])


@idempotency_exempt  # no row naming who sent a card: it may be anonymous (apps.core.idempotency)
class CardViewSet(RetroScopedMixin, viewsets.ModelViewSet):
    """Cards of the board. While cards are written each person sees only their
    own; people edit and delete only their own cards, and only while writing.
    An anonymous card stores no author: its writer is recognised by the secret
    their browser (cookie) or client (X-Retro-Secret header) holds."""

    serializer_class = CardSerializer
    filterset_class = CardFilter
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    @cached_property
    def secret(self) -> str | None:
        return writers.secret_of(self.request)

    def get_queryset(self):
        if _fake(self):
            return Card.objects.none()
        return access.visible_cards_queryset(self.request.user, self.retro, self.secret).order_by(
            "column__position", "position", "id"
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not _fake(self) and self.action in ("list", "retrieve"):
            cards = list(self.get_queryset())
            context["own"] = _own(self.request.user, cards, self.secret, self.retro)
        return context

    def get_object(self) -> Card:
        if self.action in ("partial_update", "destroy"):
            return access.access_own_card(self.request.user, self.retro, self.kwargs["pk"], self.secret)
        return access.access_card(self.request.user, self.retro, self.kwargs["pk"], self.secret)

    def _out(self, card: Card) -> dict:
        return CardSerializer(card, context={"own": _own(self.request.user, [card], self.secret, self.retro)}).data

    @extend_schema(request=CardCreateSerializer, responses={201: CardSerializer})
    def create(self, request, *args, **kwargs):
        data = CardCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        column = access.access_column(request.user, self.retro, values["column"], field="column")
        secret = self.secret
        new_secret = values["anonymous"] and secret is None
        if new_secret:
            secret = writers.new_secret()
        card = services.card_add(
            actor=request.user,
            retro=self.retro,
            column=column,
            text=values["text"],
            anonymous=values["anonymous"],
            secret=secret,
        )
        own = {card.pk} if card.anonymous or card.author_id == request.user.pk else set()
        response = Response(CardSerializer(card, context={"own": own}).data, status=status.HTTP_201_CREATED)
        if new_secret:
            writers.remember(request, response, secret)
            response[writers.HEADER] = secret
        return response

    @extend_schema(request=CardUpdateSerializer, responses=CardSerializer)
    def partial_update(self, request, *args, **kwargs):
        card = self.get_object()
        data = CardUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        card = services.card_edit(
            actor=request.user,
            card=card,
            text=data.validated_data["text"],
            expected_version=data.validated_data.get("version"),
        )
        return Response(self._out(card))

    def update(self, request, *args, **kwargs):
        if not kwargs.get("partial"):
            raise ValidationError({"detail": "Use PATCH."})
        return super().update(request, *args, **kwargs)

    def perform_destroy(self, instance):
        services.card_delete(actor=self.request.user, card=instance)

    @extend_schema(request=CardGroupSerializer, responses=CardSerializer)
    @action(detail=True, methods=["post"])
    def group(self, request, *args, **kwargs):
        """Put the card into a theme of the same retrospective (or out, with null): group phase."""
        card = access.access_card(request.user, self.retro, kwargs["pk"], self.secret, Action.TAKE_PART_IN_RETRO)
        data = CardGroupSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        theme_id = data.validated_data["theme"]
        theme = (
            access.access_theme_in_product(request.user, self.product, theme_id, field="theme")
            if theme_id is not None
            else None
        )
        card = services.card_group(actor=request.user, card=card, theme=theme)
        return Response(self._out(card))


class ThemeViewSet(RetroScopedMixin, viewsets.ModelViewSet):
    """Themes of the board: made and named in the group phase, voted on, discussed."""

    serializer_class = ThemeSerializer
    filterset_class = ThemeFilter
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if _fake(self):
            return Theme.objects.none()
        return access.visible_themes(self.request.user, self.retro)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if _fake(self):
            return context
        mine = Counter(access.my_votes(self.request.user, self.retro).values_list("theme_id", flat=True))
        by_theme: dict[int, list[int]] = defaultdict(list)
        for card in access.visible_cards_queryset(self.request.user, self.retro, writers.secret_of(self.request)):
            if card.theme_id:
                by_theme[card.theme_id].append(card.pk)
        context.update(
            votes_public=self.retro.is_at_least(Phase.DISCUSS), my_votes=dict(mine), cards_by_theme=dict(by_theme)
        )
        return context

    def get_object(self) -> Theme:
        found = access.access_theme(self.request.user, self.retro, self.kwargs["pk"])
        return self.get_queryset().get(pk=found.pk)

    @extend_schema(request=ThemeCreateSerializer, responses={201: ThemeSerializer})
    def create(self, request, *args, **kwargs):
        data = ThemeCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        secret = writers.secret_of(request)
        cards = [
            access.access_card(request.user, self.retro, pk, secret, Action.TAKE_PART_IN_RETRO, field="cards")
            for pk in data.validated_data["cards"]
        ]
        theme = services.theme_create(
            actor=request.user, retro=self.retro, title=data.validated_data["title"], cards=cards
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=theme.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ThemeUpdateSerializer, responses=ThemeSerializer)
    def partial_update(self, request, *args, **kwargs):
        theme = self.get_object()
        data = ThemeUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        services.theme_update(actor=request.user, theme=theme, expected_version=values.pop("version"), **values)
        return Response(self.get_serializer(self.get_queryset().get(pk=theme.pk)).data)

    def update(self, request, *args, **kwargs):
        if not kwargs.get("partial"):
            raise ValidationError({"detail": "Use PATCH."})
        return super().update(request, *args, **kwargs)

    def perform_destroy(self, instance):
        services.theme_delete(actor=self.request.user, theme=instance)


class VoteViewSet(
    RetroScopedMixin, mixins.ListModelMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """Your own votes on this board: cast one on a theme (vote phase, within your
    limit), or take one back. Nobody lists anyone else's votes."""

    serializer_class = VoteSerializer
    lookup_value_regex = r"\d+"
    pagination_class = None

    def get_queryset(self):
        if _fake(self):
            return Vote.objects.none()
        return access.my_votes(self.request.user, self.retro).order_by("id")

    def get_object(self) -> Vote:
        return access.access_vote(self.request.user, self.retro, self.kwargs["pk"])

    @extend_schema(request=VoteCreateSerializer, responses={201: VoteSerializer})
    def create(self, request, *args, **kwargs):
        data = VoteCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        theme = access.access_theme(
            request.user, self.retro, data.validated_data["theme"], Action.TAKE_PART_IN_RETRO, field="theme"
        )
        vote = services.vote_add(actor=request.user, retro=self.retro, theme=theme)
        return Response(VoteSerializer(vote).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.vote_remove(actor=self.request.user, retro=self.retro, theme=instance.theme)


class ActionViewSet(RetroScopedMixin, viewsets.ModelViewSet):
    """Action items made in this retrospective."""

    serializer_class = ActionSerializer
    filterset_class = ActionFilter
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if _fake(self):
            return ActionItem.objects.none()
        return (
            access.visible_actions(self.request.user, self.product)
            .filter(retro=self.retro)
            .select_related("owner", "backlog_item")
            .order_by("id")
        )

    def get_object(self) -> ActionItem:
        return access.access_retro_action(self.request.user, self.retro, self.kwargs["pk"])

    @extend_schema(request=ActionCreateSerializer, responses={201: ActionSerializer})
    def create(self, request, *args, **kwargs):
        data = ActionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        secret = writers.secret_of(request)
        theme = (
            access.access_theme(request.user, self.retro, values["theme"], field="theme")
            if values.get("theme")
            else None
        )
        card = (
            access.access_card(request.user, self.retro, values["card"], secret, field="card")
            if values.get("card")
            else None
        )
        item = services.action_add(
            actor=request.user,
            retro=self.retro,
            text=values["text"],
            owner=_team_member(self.product, values.get("owner")),
            due_date=values.get("due_date"),
            theme=theme,
            card=card,
        )
        return Response(ActionSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ActionUpdateSerializer, responses=ActionSerializer)
    def partial_update(self, request, *args, **kwargs):
        item = self.get_object()
        data = ActionUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if "owner" in values:
            values["owner"] = _team_member(self.product, values["owner"])
        item = services.action_update(actor=request.user, action=item, expected_version=values.pop("version"), **values)
        return Response(ActionSerializer(item).data)

    def update(self, request, *args, **kwargs):
        if not kwargs.get("partial"):
            raise ValidationError({"detail": "Use PATCH."})
        return super().update(request, *args, **kwargs)

    @extend_schema(request=None, responses={201: BacklogLinkSerializer})
    @action(detail=True, methods=["post"], url_path="backlog-item")
    def backlog_item(self, request, *args, **kwargs):
        """Turn the action into a backlog item (linked back)."""
        item = access.access_retro_action(request.user, self.retro, kwargs["pk"], Action.ADD_BACKLOG_ITEM)
        created = services.action_to_backlog(actor=request.user, action=item)
        return Response({"backlog_item": created.pk, "number": created.number}, status=status.HTTP_201_CREATED)


class ProductActionViewSet(ProductScopedMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Every action item of the product's retrospectives (filter: status, owner, overdue...)."""

    serializer_class = ActionSerializer
    filterset_class = ActionFilter
    default_required = Action.VIEW_RETROS
    ordering_fields = ["due_date", "created_at"]

    def get_queryset(self):
        if _fake(self):
            return ActionItem.objects.none()
        return (
            access.visible_actions(self.request.user, self.product)
            .select_related("owner", "backlog_item")
            .order_by("status", "due_date", "id")
        )


class DimensionViewSet(ProductScopedMixin, viewsets.ModelViewSet):
    """The product's health-check dimensions (the squad health check's until edited).
    The team reads them; product managers and scrum masters edit them."""

    serializer_class = DimensionSerializer
    lookup_value_regex = r"\d+"
    pagination_class = None
    http_method_names = ["get", "post", "patch", "head", "options"]
    required = {"list": Action.VIEW_RETROS, "retrieve": Action.VIEW_RETROS}
    default_required = Action.FACILITATE_RETRO

    def get_queryset(self):
        if _fake(self):
            return HealthDimension.objects.none()
        services.dimensions_of(self.product)  # the squad health check's defaults until the product edits them
        return access.visible_dimensions(self.request.user, self.product)

    def get_object(self) -> HealthDimension:
        action_needed = self.required.get(self.action, self.default_required)
        return access.access_dimension(self.request.user, self.product, self.kwargs["pk"], action_needed)

    def perform_create(self, serializer):
        values = serializer.validated_data
        serializer.instance = services.dimension_add(
            actor=self.request.user,
            product=self.product,
            name=values["name"],
            green=values.get("green", ""),
            red=values.get("red", ""),
        )

    def perform_update(self, serializer):
        serializer.instance = services.dimension_update(
            actor=self.request.user, dimension=serializer.instance, **serializer.validated_data
        )


class LayoutViewSet(ProductScopedMixin, viewsets.ModelViewSet):
    """The product's own board layouts (columns with prompts) for new retrospectives."""

    serializer_class = LayoutSerializer
    lookup_value_regex = r"\d+"
    pagination_class = None
    http_method_names = ["get", "post", "delete", "head", "options"]
    required = {"list": Action.VIEW_RETROS, "retrieve": Action.VIEW_RETROS}
    default_required = Action.FACILITATE_RETRO

    def get_queryset(self):
        if _fake(self):
            return RetroFormat.objects.none()
        return access.visible_formats(self.request.user, self.product)

    def get_object(self) -> RetroFormat:
        action_needed = self.required.get(self.action, self.default_required)
        return access.access_format(self.request.user, self.product, self.kwargs["pk"], action_needed)

    def perform_create(self, serializer):
        serializer.instance = services.format_save(
            actor=self.request.user, product=self.product, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.format_delete(actor=self.request.user, board_format=instance)


class SettingsView(APIView):
    """Defaults of the product's retrospectives: votes and the health check's minimum of answers."""

    @extend_schema(responses=SettingsSerializer)
    def get(self, request, product_slug):
        product = get_product(request.user, product_slug, Action.VIEW_RETROS)
        return Response(SettingsSerializer(services.settings_of(product)).data)

    @extend_schema(request=SettingsSerializer, responses=SettingsSerializer)
    def patch(self, request, product_slug):
        product = get_product(request.user, product_slug, Action.FACILITATE_RETRO)
        current = services.settings_of(product)
        data = SettingsSerializer(current, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = {**SettingsSerializer(current).data, **data.validated_data}
        updated = services.settings_update(
            actor=request.user,
            product=product,
            expected_version=data.validated_data.get("version"),
            votes_per_person=values["votes_per_person"],
            several_votes_per_theme=values["several_votes_per_theme"],
            health_min_answers=values["health_min_answers"],
        )
        return Response(SettingsSerializer(updated).data)


class HealthTrendView(APIView):
    """The team's health over its last checks: a column per check, a row per dimension.
    Checks below their minimum number of answers show no figures."""

    @extend_schema(responses={200: dict})
    def get(self, request, product_slug):
        product = get_product(request.user, product_slug, Action.VIEW_RETROS)
        return Response(selectors.health_trend(product))


@idempotency_exempt  # no row naming who answered, or when (apps.core.idempotency)
class HealthCheckView(APIView):
    """The retro's team health check. POST your answer once: it is sealed with
    no name and no time until the check closes; results show only from the
    product's minimum number of answers."""

    @extend_schema(responses=HealthCheckSerializer)
    def get(self, request, product_slug, retro_pk):
        product = get_product(request.user, product_slug, Action.VIEW_RETROS)
        retro = access.access_retro(request.user, product, retro_pk)
        return Response(_health_data(request.user, access.access_health_check(request.user, retro)))

    @extend_schema(request=HealthAnswerSerializer, responses={201: HealthCheckSerializer})
    def post(self, request, product_slug, retro_pk):
        product = get_product(request.user, product_slug, Action.TAKE_PART_IN_RETRO)
        retro = access.access_retro(request.user, product, retro_pk, Action.TAKE_PART_IN_RETRO)
        check = access.access_health_check(request.user, retro, Action.TAKE_PART_IN_RETRO)
        data = HealthAnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ratings = {r["dimension"]: (r["rating"], r["comment"]) for r in data.validated_data["ratings"]}
        if len(ratings) != len(data.validated_data["ratings"]):
            raise ValidationError({"ratings": "Rate each dimension once."})
        services.health_answer(actor=request.user, check=check, ratings=ratings)
        return Response(_health_data(request.user, check), status=status.HTTP_201_CREATED)


class HealthCheckCloseView(APIView):
    """Close the health check and release its answers, all at once (facilitator only)."""

    @extend_schema(request=None, responses=HealthCheckSerializer)
    def post(self, request, product_slug, retro_pk):
        product = get_product(request.user, product_slug, Action.TAKE_PART_IN_RETRO)
        retro = access.access_retro_to_facilitate(request.user, product, retro_pk)
        check = access.access_health_check(request.user, retro, Action.TAKE_PART_IN_RETRO)
        return Response(_health_data(request.user, services.health_check_close(actor=request.user, check=check)))
