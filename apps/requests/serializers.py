from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.requests.models import (
    SUBMITTED_FIELDS,
    Attachment,
    Comment,
    StakeholderRequest,
    TriageSettings,
)
from apps.requests.selectors import InboxState


@extend_schema_field(
    {
        # Wrapped in allOf so the schema keeps the values inline: several apps
        # have a "status" field, and three of our components share this one, so
        # an extracted enum component could only get a collision-hash name.
        "allOf": [{"type": "string", "enum": StakeholderRequest.Status.values}],
        "description": " · ".join(f"`{value}`: {label}" for value, label in StakeholderRequest.Status.choices),
    }
)
class RequestStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=StakeholderRequest.Status.choices, **kwargs)


class PersonSerializer(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField(source="__str__")


class ExpectedDeliverySerializer(serializers.Serializer):
    on = serializers.DateField(allow_null=True)
    # "label" and "source" are the API's names; DRF's Field has attributes of those names too.
    label = serializers.CharField()  # type: ignore[assignment]
    source = serializers.ChoiceField(choices=["delivered", "forecast", "sprint", "unplanned"])  # type: ignore[assignment]
    detail = serializers.CharField(help_text="The planned work it is part of, where that may be shown.")


class RequestSerializer(serializers.ModelSerializer):
    """What any member who may see the request sees (never internal notes or the backlog)."""

    reference = serializers.CharField(read_only=True)
    status = RequestStatusField(read_only=True)
    requester = PersonSerializer(read_only=True, allow_null=True)
    duplicate_of: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="number", read_only=True, allow_null=True
    )
    vote_count = serializers.IntegerField(read_only=True)
    has_voted = serializers.BooleanField(read_only=True)
    is_watching = serializers.BooleanField(read_only=True)
    expected_delivery = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = StakeholderRequest
        fields = [
            "number",
            "reference",
            "title",
            "problem",
            "affected",
            "desired_outcome",
            "success_measure",
            "business_value",
            "urgency",
            "needed_by",
            "visibility",
            "status",
            "decision_note",
            "duplicate_of",
            "requester",
            "vote_count",
            "has_voted",
            "is_watching",
            "expected_delivery",
            "created_at",
            "updated_at",
            "version",
            "url",
        ]
        read_only_fields = fields

    @extend_schema_field(ExpectedDeliverySerializer(allow_null=True))
    def get_expected_delivery(self, stakeholder_request):
        delivery = self.context.get("deliveries", {}).get(stakeholder_request.pk)
        return ExpectedDeliverySerializer(delivery).data if delivery else None

    def get_url(self, stakeholder_request) -> str:
        # One reverse() per product, not per row: a list's child serializer serves every row.
        lists = self.__dict__.setdefault("_list_urls", {})
        slug = stakeholder_request.product.slug
        if slug not in lists:
            lists[slug] = self.context["request"].build_absolute_uri(reverse("requests:list", args=[slug]))
        return f"{lists[slug]}{stakeholder_request.number}/"


# What the team's view adds to a request row; optional in the schema (apps.requests.schema).
TEAM_ONLY_FIELDS = ("backlog_item", "snoozed_until", "first_response_at", "decided_at", "delivered_at")


class TeamRequestSerializer(RequestSerializer):
    """The team's view adds the triage facts: backlog link, snooze and service-level clocks."""

    backlog_item: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="number", read_only=True, allow_null=True
    )

    class Meta(RequestSerializer.Meta):
        fields = [*RequestSerializer.Meta.fields, *TEAM_ONLY_FIELDS]
        read_only_fields = fields


class InboxRequestSerializer(TeamRequestSerializer):
    product: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    age_days = serializers.IntegerField(read_only=True, help_text="Working days since it was submitted.")
    target_days = serializers.IntegerField(read_only=True, help_text="The product's target in working days.")
    overdue = serializers.BooleanField(read_only=True)

    class Meta(TeamRequestSerializer.Meta):
        fields = [*TeamRequestSerializer.Meta.fields, "product", "age_days", "target_days", "overdue"]
        read_only_fields = fields


class RequestSubmitSerializer(serializers.ModelSerializer):
    attachments = serializers.ListField(
        child=serializers.FileField(), required=False, write_only=True, help_text="Send as multipart/form-data."
    )

    class Meta:
        model = StakeholderRequest
        fields = [*SUBMITTED_FIELDS, "attachments"]


class RequestEditSerializer(serializers.ModelSerializer):
    """The requester's correction before a decision: the fields it changes and the version it was based on."""

    version = serializers.IntegerField(help_text="The version you edited (required); a newer one answers 409.")

    class Meta:
        model = StakeholderRequest
        fields = [*SUBMITTED_FIELDS, "version"]


class WithdrawSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="The version you saw (required); a newer one answers 409.")
    reason = serializers.CharField(required=False, allow_blank=True, default="", help_text="Told to the watchers.")


class DecisionSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        help_text="The version you decided on (required); a newer one answers 409 and nothing changes."
    )


class AcceptSerializer(DecisionSerializer):
    backlog_item = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="Number of an existing item of this product to link; else one is created.",
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class DeclineSerializer(DecisionSerializer):
    reason = serializers.CharField(help_text="Shown to the requester.")


class MergeSerializer(DecisionSerializer):
    into = serializers.IntegerField(min_value=1, help_text="Number of the request to keep.")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class AskForInfoSerializer(DecisionSerializer):
    question = serializers.CharField()


class SnoozeSerializer(DecisionSerializer):
    until = serializers.DateField()


class CommentSerializer(serializers.ModelSerializer):
    author = PersonSerializer(read_only=True, allow_null=True)
    internal = serializers.BooleanField(
        default=False, help_text="An internal team note, never shown to stakeholders (team only)."
    )

    class Meta:
        model = Comment
        fields = ["id", "author", "body", "internal", "created_at"]
        read_only_fields = ["id", "author", "created_at"]


class AttachmentSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "original_name", "content_type", "size", "created_at", "download_url"]

    def get_download_url(self, attachment) -> str:
        return self.context["request"].build_absolute_uri(attachment.get_absolute_url())


class AttachmentUploadSerializer(serializers.Serializer):
    attachments = serializers.ListField(child=serializers.FileField(), min_length=1)


class SimilarQuerySerializer(serializers.Serializer):
    q = serializers.CharField(help_text="The title (or problem) being typed.")


class InboxQuerySerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=InboxState.choices, default=InboxState.TRIAGE)


class NotificationPreferenceSerializer(serializers.Serializer):
    email_on_request_updates = serializers.BooleanField(
        required=True,
        help_text="Whether request updates reach you at all (off: neither email nor the portal's bell). "
        "Each channel is set at /api/v1/notifications/preferences/.",
    )


class TriageSettingsSerializer(serializers.ModelSerializer):
    class Meta:
        model = TriageSettings
        fields = ["response_target_days"]
        extra_kwargs = {"response_target_days": {"required": True}}
