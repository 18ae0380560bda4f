from rest_framework import serializers

from apps.delivery.models import DeliveryReport


class DeliveryReportSummarySerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True)
    published = serializers.SerializerMethodField()

    class Meta:
        model = DeliveryReport
        fields = ["id", "period", "start", "end", "title", "summary", "built_at", "version", "published"]

    def get_published(self, report: DeliveryReport) -> bool:
        return report.published_at is not None


class DeliveryReportSerializer(DeliveryReportSummarySerializer):
    figures = serializers.JSONField(read_only=True, help_text="Every section of the report, as on the report page.")

    class Meta(DeliveryReportSummarySerializer.Meta):
        fields = [
            *DeliveryReportSummarySerializer.Meta.fields,
            "sprint",
            "emailed_version",
            "publish_version",
            "figures",
        ]


class PublishSerializer(serializers.Serializer):
    published = serializers.BooleanField()
    version = serializers.IntegerField(help_text="The report's publish_version you saw; a newer one answers 409.")


class PublishedSummarySerializer(serializers.Serializer):
    """What everyone in the product (stakeholders included) may read of delivery reports."""

    title = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    published_at = serializers.DateTimeField()
    summary = serializers.CharField(source="published_summary")
