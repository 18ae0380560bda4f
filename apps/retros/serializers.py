"""API shapes of retrospectives. Input and output are separate where they
differ; no serializer saves anything (the viewsets call the services).

A card's author is shown only for named cards; an anonymous card has none
to show, and `mine` is true only for the browser or client holding its secret."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.retros import formats
from apps.retros.models import (
    ACTION_TEXT_MAX,
    CARD_TEXT_MAX,
    COMMENT_MAX,
    DECISION_MAX,
    MAX_VOTES_PER_PERSON,
    THEME_TITLE_MAX,
    ActionItem,
    Card,
    Column,
    HealthDimension,
    Phase,
    Rating,
    RetroFormat,
    RetroSettings,
    Retrospective,
    Theme,
    Vote,
)

# --- Retrospectives ----------------------------------------------------------------


class RetroSerializer(serializers.ModelSerializer):
    facilitator_name = serializers.SerializerMethodField()
    sprint_name = serializers.CharField(source="sprint.name", read_only=True)

    class Meta:
        model = Retrospective
        fields = [
            "id",
            "title",
            "sprint",
            "sprint_name",
            "stage",
            "format_name",
            "phase",
            "facilitator",
            "facilitator_name",
            "votes_per_person",
            "several_votes_per_theme",
            "discussing",
            "timer_ends_at",
            "previous",
            "board_version",
            "version",
            "created_at",
            "closed_at",
        ]
        read_only_fields = fields

    def get_facilitator_name(self, retro) -> str:
        return str(retro.facilitator) if retro.facilitator_id else ""


class RetroCreateSerializer(serializers.Serializer):
    sprint = serializers.IntegerField()
    stage = serializers.IntegerField(required=False, allow_null=True)
    title = serializers.CharField(max_length=120, required=False, allow_blank=True)
    format_key = serializers.CharField(
        max_length=80,
        default=formats.DEFAULT_FORMAT,
        help_text=f"One of {', '.join(formats.BUILT_IN)}, or custom-<layout id>.",
    )
    votes_per_person = serializers.IntegerField(min_value=1, max_value=MAX_VOTES_PER_PERSON, required=False)
    several_votes_per_theme = serializers.BooleanField(required=False, allow_null=True, default=None)
    facilitator = serializers.IntegerField(required=False, allow_null=True, help_text="A user id in the team.")
    health_check = serializers.BooleanField(default=True)


class RetroUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=120, required=False)
    votes_per_person = serializers.IntegerField(min_value=1, max_value=MAX_VOTES_PER_PERSON, required=False)
    several_votes_per_theme = serializers.BooleanField(required=False)
    version = serializers.IntegerField(help_text="The version you edited; a newer change is not overwritten (409).")


class PhaseSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=Phase.choices, help_text="A later phase; phases never go back.")


class HandOverSerializer(serializers.Serializer):
    facilitator = serializers.IntegerField(help_text="A user id in the team.")
    version = serializers.IntegerField(required=False)


class ReviewSerializer(serializers.Serializer):
    action = serializers.IntegerField(help_text="An open action of an earlier retrospective.")
    outcome = serializers.ChoiceField(
        choices=[ActionItem.Status.DONE, ActionItem.Status.CARRIED, ActionItem.Status.DROPPED]
    )


class DiscussSerializer(serializers.Serializer):
    theme = serializers.IntegerField()
    minutes = serializers.IntegerField(min_value=0, max_value=120, required=False, allow_null=True)


# --- Board ---------------------------------------------------------------------------


class ColumnSerializer(serializers.ModelSerializer):
    class Meta:
        model = Column
        fields = ["id", "position", "title", "prompt"]
        read_only_fields = fields


class CardSerializer(serializers.ModelSerializer):
    text = serializers.CharField(source="content", read_only=True)
    author_name = serializers.SerializerMethodField()
    mine = serializers.SerializerMethodField()

    class Meta:
        model = Card
        fields = ["id", "column", "theme", "text", "anonymous", "author", "author_name", "mine", "version"]
        read_only_fields = fields

    def get_author_name(self, card) -> str:
        return str(card.author) if card.author_id else ""

    def get_mine(self, card) -> bool:
        return card.pk in self.context.get("own", ())


class CardCreateSerializer(serializers.Serializer):
    column = serializers.IntegerField()
    text = serializers.CharField(max_length=CARD_TEXT_MAX)
    anonymous = serializers.BooleanField(
        default=False,
        help_text="Stores no author. Send X-Retro-Secret (32+ characters, kept by you) to edit or delete it later "
        "while cards are written; without one the answer's X-Retro-Secret header carries a new one.",
    )


class CardUpdateSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=CARD_TEXT_MAX)
    version = serializers.IntegerField(required=False)


class CardGroupSerializer(serializers.Serializer):
    theme = serializers.IntegerField(allow_null=True, help_text="A theme of the same retrospective, or null.")


class ThemeSerializer(serializers.ModelSerializer):
    votes = serializers.SerializerMethodField()
    my_votes = serializers.SerializerMethodField()
    cards = serializers.SerializerMethodField()

    class Meta:
        model = Theme
        fields = ["id", "title", "position", "solo", "decision", "discussed", "version", "votes", "my_votes", "cards"]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_votes(self, theme) -> int | None:
        """Hidden (null) while people vote, so nobody follows the crowd."""
        return getattr(theme, "vote_count", None) if self.context.get("votes_public") else None

    def get_my_votes(self, theme) -> int:
        return self.context.get("my_votes", {}).get(theme.pk, 0)

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_cards(self, theme) -> list[int]:
        return self.context.get("cards_by_theme", {}).get(theme.pk, [])


class ThemeCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=THEME_TITLE_MAX)
    cards = serializers.ListField(child=serializers.IntegerField(), required=False, default=list, max_length=500)


class ThemeUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=THEME_TITLE_MAX, required=False)
    decision = serializers.CharField(max_length=DECISION_MAX, required=False, allow_blank=True)
    version = serializers.IntegerField(help_text="The version you edited; a newer change is not overwritten (409).")


class VoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Vote
        fields = ["id", "theme"]
        read_only_fields = fields


class VoteCreateSerializer(serializers.Serializer):
    theme = serializers.IntegerField()


class BoardSerializer(serializers.Serializer):
    """What a client polls: the whole board as this person may see it."""

    retro = RetroSerializer()
    columns = ColumnSerializer(many=True)
    cards = CardSerializer(many=True)
    themes = ThemeSerializer(many=True)
    votes_left = serializers.IntegerField()
    card_count = serializers.IntegerField()


# --- Actions -------------------------------------------------------------------------


class ActionSerializer(serializers.ModelSerializer):
    owner_name = serializers.SerializerMethodField()
    backlog_item_number = serializers.SerializerMethodField()

    class Meta:
        model = ActionItem
        fields = [
            "id",
            "retro",
            "text",
            "owner",
            "owner_name",
            "due_date",
            "theme",
            "card",
            "status",
            "backlog_item",
            "backlog_item_number",
            "carried_from",
            "reviewed_in",
            "version",
            "created_at",
        ]
        read_only_fields = fields

    def get_owner_name(self, action) -> str:
        return str(action.owner) if action.owner_id else ""

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_backlog_item_number(self, action) -> int | None:
        return action.backlog_item.number if action.backlog_item_id else None


class ActionCreateSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=ACTION_TEXT_MAX)
    owner = serializers.IntegerField(required=False, allow_null=True)
    due_date = serializers.DateField(required=False, allow_null=True)
    theme = serializers.IntegerField(required=False, allow_null=True)
    card = serializers.IntegerField(required=False, allow_null=True)


class ActionUpdateSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=ACTION_TEXT_MAX, required=False)
    owner = serializers.IntegerField(required=False, allow_null=True)
    due_date = serializers.DateField(required=False, allow_null=True)
    status = serializers.ChoiceField(
        choices=[ActionItem.Status.OPEN, ActionItem.Status.DONE, ActionItem.Status.DROPPED], required=False
    )
    version = serializers.IntegerField(help_text="The version you edited; a newer change is not overwritten (409).")


class BacklogLinkSerializer(serializers.Serializer):
    backlog_item = serializers.IntegerField()
    number = serializers.IntegerField()


# --- Health check --------------------------------------------------------------------


class RatingSerializer(serializers.Serializer):
    dimension = serializers.IntegerField()
    rating = serializers.ChoiceField(choices=Rating.choices)
    comment = serializers.CharField(max_length=COMMENT_MAX, required=False, allow_blank=True, default="")


class HealthAnswerSerializer(serializers.Serializer):
    ratings = RatingSerializer(many=True, help_text="One rating per dimension of the check.")


class HealthCheckSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    dimensions = serializers.ListField(child=serializers.DictField())
    min_answers = serializers.IntegerField()
    answer_count = serializers.IntegerField(
        help_text="How many people answered (never who). While open: rounded down to a multiple of min_answers."
    )
    answer_count_exact = serializers.BooleanField()
    answered = serializers.BooleanField(help_text="Whether you answered.")
    results = serializers.DictField(
        allow_null=True, help_text="Null while open or below the minimum number of answers."
    )


class DimensionSerializer(serializers.ModelSerializer):
    class Meta:
        model = HealthDimension
        fields = ["id", "position", "name", "green", "red", "active"]
        read_only_fields = ["id"]


class LayoutSerializer(serializers.ModelSerializer):
    columns = serializers.ListField(child=serializers.DictField(child=serializers.CharField(allow_blank=True)))

    class Meta:
        model = RetroFormat
        fields = ["id", "name", "columns", "version"]
        read_only_fields = ["id", "version"]


class SettingsSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(required=False)

    class Meta:
        model = RetroSettings
        fields = ["votes_per_person", "several_votes_per_theme", "health_min_answers", "version"]
