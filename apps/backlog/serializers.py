"""API shapes of the backlog. Output serializers read; input serializers
validate and resolve references within the product (epic by number, people
by username, labels by name), then the view calls a service."""

from __future__ import annotations

from decimal import Decimal
from typing import TypedDict

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.accounts.models import User
from apps.backlog import selectors, workflow
from apps.backlog.models import (
    MAX_NUMBER,
    AcceptanceCriterion,
    BacklogItem,
    Blocker,
    ItemAttachment,
    ItemRelation,
    Label,
    SavedFilter,
    expected_points,
    is_highly_uncertain,
    is_overdue,
)
from apps.core.api import iso_datetime


class LabelSerializer(serializers.ModelSerializer):
    class Meta:
        model = Label
        fields = ["id", "name", "color"]
        read_only_fields = ["id"]


class CriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = AcceptanceCriterion
        fields = ["id", "text", "met"]
        read_only_fields = ["id"]


class CriterionUpdateSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=500, required=False)
    met = serializers.BooleanField(required=False)


class BlockerSerializer(serializers.ModelSerializer):
    created_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(slug_field="username", read_only=True)
    resolved_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True, help_text="Null while the blocker is open."
    )

    class Meta:
        model = Blocker
        fields = ["id", "kind", "reason", "since", "resolved_at", "created_by", "resolved_by"]
        read_only_fields = ["id", "since", "resolved_at", "created_by", "resolved_by"]


class BacklogItemSerializer(serializers.ModelSerializer):
    # "parent" is the API's name for the epic; DRF's Field has a `parent` attribute (the serializer) too.
    parent: serializers.SlugRelatedField[BacklogItem] = serializers.SlugRelatedField(  # type: ignore[assignment]
        slug_field="number", read_only=True, allow_null=True, help_text="Number of the epic (null: none)."
    )
    assignee: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    # many_init is what many=True builds, with the type the stubs can see.
    labels = serializers.SlugRelatedField.many_init(slug_field="name", read_only=True)
    expected_points = serializers.DecimalField(max_digits=6, decimal_places=2, read_only=True, allow_null=True)
    spread = serializers.DecimalField(max_digits=6, decimal_places=2, read_only=True, allow_null=True)
    is_highly_uncertain = serializers.BooleanField(read_only=True)
    is_blocked = serializers.BooleanField(read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = BacklogItem
        fields = [
            "id",
            "number",
            "kind",
            "title",
            "description",
            "status",
            "parent",
            "labels",
            "assignee",
            "story_points",
            "estimate_optimistic",
            "estimate_likely",
            "estimate_pessimistic",
            "expected_points",
            "spread",
            "is_highly_uncertain",
            "is_blocked",
            "due_date",
            "is_overdue",
            "version",
            "created_at",
            "updated_at",
            "done_at",
        ]
        read_only_fields = fields


# How BacklogItemSerializer formats values, done directly (DRF's fields cost
# several microseconds a value, which is most of a 1,000-item list).
_CENT = Decimal("0.01")


def _points(value: Decimal | None) -> str | None:
    """A points column (one decimal place in the database, so already "3.0")."""
    return None if value is None else str(value.quantize(_TENTH))


_TENTH = Decimal("0.1")


def _two_places(value: Decimal | None) -> str | None:
    # DRF's DecimalField(decimal_places=2): quantized with the context's rounding (half even).
    return None if value is None else str(value.quantize(_CENT))


def item_list_data(row: dict, zone=None) -> dict:
    """BacklogItemSerializer's output for a `selectors.item_rows` dict (with
    API_ROW_FIELDS): the same keys, order and formats, without a model object
    or DRF's field-by-field machinery, so a list of 1,000 items costs little
    more than the database's time. tests/backlog/test_api.py pins that both agree."""
    zone = zone or timezone.get_current_timezone()
    optimistic, likely, pessimistic = row["estimate_optimistic"], row["estimate_likely"], row["estimate_pessimistic"]
    has_range = None not in (optimistic, likely, pessimistic)
    return {
        "id": row["id"],
        "number": row["number"],
        "kind": row["kind"],
        "title": row["title"],
        "description": row["description"],
        "status": row["status"],
        "parent": row["parent__number"],
        "labels": [label["name"] for label in selectors.labels_of(row)],
        "assignee": row["assignee__username"],
        "story_points": _points(row["story_points"]),
        "estimate_optimistic": _points(optimistic),
        "estimate_likely": _points(likely),
        "estimate_pessimistic": _points(pessimistic),
        "expected_points": _two_places(expected_points(row["story_points"], optimistic, likely, pessimistic)),
        "spread": _two_places((pessimistic - optimistic) / 6 if has_range else None),
        "is_highly_uncertain": is_highly_uncertain(optimistic, likely, pessimistic),
        "is_blocked": row["is_blocked"],
        "due_date": row["due_date"].isoformat() if row["due_date"] else None,
        "is_overdue": is_overdue(row["due_date"], row["status"]),
        "version": row["version"],
        "created_at": iso_datetime(row["created_at"], zone),
        "updated_at": iso_datetime(row["updated_at"], zone),
        "done_at": iso_datetime(row["done_at"], zone),
    }


class BacklogItemDetailSerializer(BacklogItemSerializer):
    acceptance_criteria = CriterionSerializer(many=True, read_only=True)
    blockers = BlockerSerializer(many=True, read_only=True)
    allowed_statuses = serializers.SerializerMethodField()
    definition_of_done = serializers.CharField(source="product.definition_of_done", read_only=True)

    class Meta(BacklogItemSerializer.Meta):
        fields = [
            *BacklogItemSerializer.Meta.fields,
            "acceptance_criteria",
            "blockers",
            "allowed_statuses",
            "definition_of_done",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=BacklogItem.Status.choices)))
    def get_allowed_statuses(self, item) -> list[str]:
        return workflow.allowed_targets(item.status)


class ProductScopedInput(serializers.Serializer):
    """Resolves epics, people and labels within `context["product"]`."""

    parent: serializers.SlugRelatedField[BacklogItem] = serializers.SlugRelatedField(  # type: ignore[assignment]
        slug_field="number",
        queryset=BacklogItem.objects.none(),
        required=False,
        allow_null=True,
        help_text="Number of the epic this item belongs to.",
    )
    assignee: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.none(), required=False, allow_null=True
    )
    labels = serializers.SlugRelatedField.many_init(slug_field="name", queryset=Label.objects.none(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        product = self.context.get("product")
        if product is not None:
            self.fields["parent"].queryset = selectors.epics(product)
            self.fields["assignee"].queryset = selectors.assignable_people(product)
            self.fields["labels"].child_relation.queryset = selectors.product_labels(product)


class EstimateOptions(TypedDict):
    """The options of every estimate input (typed, so `DecimalField(**ESTIMATE)` is checked)."""

    max_digits: int
    decimal_places: int
    min_value: int
    required: bool
    allow_null: bool


ESTIMATE: EstimateOptions = {
    "max_digits": 5,
    "decimal_places": 1,
    "min_value": 0,
    "required": False,
    "allow_null": True,
}


class BacklogItemCreateSerializer(ProductScopedInput):
    title = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=BacklogItem.Kind.choices, default=BacklogItem.Kind.STORY)
    description = serializers.CharField(required=False, allow_blank=True)
    story_points = serializers.DecimalField(**ESTIMATE)
    estimate_optimistic = serializers.DecimalField(**ESTIMATE)
    estimate_likely = serializers.DecimalField(**ESTIMATE)
    estimate_pessimistic = serializers.DecimalField(**ESTIMATE)
    due_date = serializers.DateField(required=False, allow_null=True)
    acceptance_criteria = serializers.ListField(
        child=serializers.CharField(max_length=500), required=False, help_text="Texts of the acceptance criteria."
    )
    at_top = serializers.BooleanField(default=False, help_text="Add at the top of the backlog instead of the bottom.")


class BacklogItemUpdateSerializer(ProductScopedInput):
    version = serializers.IntegerField(help_text="The version you edited; a stale one is refused with 409.")
    title = serializers.CharField(max_length=200, required=False)
    kind = serializers.ChoiceField(choices=BacklogItem.Kind.choices, required=False)
    status = serializers.ChoiceField(choices=BacklogItem.Status.choices, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    story_points = serializers.DecimalField(**ESTIMATE)
    estimate_optimistic = serializers.DecimalField(**ESTIMATE)
    estimate_likely = serializers.DecimalField(**ESTIMATE)
    estimate_pessimistic = serializers.DecimalField(**ESTIMATE)
    due_date = serializers.DateField(required=False, allow_null=True)


class MoveSerializer(serializers.Serializer):
    before = serializers.IntegerField(required=False, help_text="Number of the item to place this one before.")
    after = serializers.IntegerField(required=False, help_text="Number of the item to place this one after.")
    to = serializers.ChoiceField(choices=["top", "bottom"], required=False)

    def validate(self, data):
        if len(data) != 1:
            raise serializers.ValidationError("Give exactly one of before, after or to.")
        return data


class BulkSerializer(ProductScopedInput):
    items = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_NUMBER), min_length=1, max_length=500
    )
    status = serializers.ChoiceField(choices=BacklogItem.Status.choices, required=False)
    add_label = serializers.SlugRelatedField(slug_field="name", queryset=Label.objects.none(), required=False)
    remove_label = serializers.SlugRelatedField(slug_field="name", queryset=Label.objects.none(), required=False)
    move_to_top = serializers.BooleanField(default=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["labels"], self.fields["parent"]
        product = self.context.get("product")
        if product is not None:
            self.fields["add_label"].queryset = self.fields["remove_label"].queryset = selectors.product_labels(product)


class HistoryChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    old = serializers.CharField()
    new = serializers.CharField()


class HistoryEntrySerializer(serializers.Serializer):
    when = serializers.DateTimeField()
    who = serializers.CharField(allow_null=True)
    changes = serializers.SerializerMethodField()

    @extend_schema_field(HistoryChangeSerializer(many=True))
    def get_changes(self, entry) -> list[dict]:
        return [{"field": field, "old": old, "new": new} for field, old, new in entry["changes"]]


class RelationSerializer(serializers.Serializer):
    """A link as read from the item it is listed under."""

    id = serializers.IntegerField()
    relation = serializers.CharField(source="label", help_text="blocks, is blocked by, relates to, duplicates, ...")
    kind = serializers.ChoiceField(choices=ItemRelation.Kind.choices)
    item = serializers.IntegerField(source="other.number", help_text="Number of the other item.")
    title = serializers.CharField(source="other.title")
    status = serializers.CharField(source="other.status")


class RelationInputSerializer(serializers.Serializer):
    relation = serializers.ChoiceField(
        choices=["blocks", "blocked_by", "relates", "duplicates", "duplicated_by"],
        help_text="Read from this item: it blocks / is blocked by / relates to / duplicates / is duplicated by.",
    )
    other = serializers.IntegerField(min_value=1, max_value=MAX_NUMBER, help_text="Number of the other item.")


class ItemAttachmentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name")
    uploaded_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ItemAttachment
        fields = ["id", "name", "size", "content_type", "uploaded_by", "created_at", "download_url"]
        read_only_fields = fields

    def get_download_url(self, attachment) -> str:
        return reverse("backlog:attachment", args=[attachment.item.product.slug, attachment.item.number, attachment.pk])


class ItemFilesUploadSerializer(serializers.Serializer):
    files = serializers.ListField(child=serializers.FileField(), min_length=1, help_text="One or more files.")


class SavedFilterSerializer(serializers.ModelSerializer):
    owner: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(slug_field="username", read_only=True)
    page = serializers.ChoiceField(choices=SavedFilter.Page.choices, default=SavedFilter.Page.BACKLOG)
    query = serializers.CharField(
        max_length=2000, help_text="The page's query string, e.g. kind=bug&assignee=tara (other keys are dropped)."
    )

    class Meta:
        model = SavedFilter
        fields = ["id", "name", "page", "query", "shared", "owner", "created_at", "updated_at"]
        read_only_fields = ["id", "owner", "created_at", "updated_at"]
