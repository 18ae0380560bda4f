from rest_framework import serializers


class HitSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="Item, Request, Roadmap item, ...")
    reference = serializers.CharField(help_text="#12, R-4, or empty")
    title = serializers.CharField()
    url = serializers.CharField(help_text="The page of the object.")
    product = serializers.CharField()
    rank = serializers.FloatField()


class SearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(max_length=200, help_text="Words (ranked full-text search), or #123 / R-4.")
    kind = serializers.CharField(required=False, help_text="items, requests, roadmap-items, ...")
    limit = serializers.IntegerField(required=False, min_value=1, max_value=100, default=20)
