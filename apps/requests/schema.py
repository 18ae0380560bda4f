"""How the OpenAPI schema describes request rows: one shape for everyone who
reads requests, in which the team's triage facts are optional, since only
the product team gets them (serializers.TeamRequestSerializer vs RequestSerializer)."""

from drf_spectacular.extensions import OpenApiSerializerExtension


class TeamRequestSchema(OpenApiSerializerExtension):
    target_class = "apps.requests.serializers.TeamRequestSerializer"

    def map_serializer(self, auto_schema, direction):
        from apps.requests.serializers import TEAM_ONLY_FIELDS

        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        schema["required"] = [name for name in schema.get("required", []) if name not in TEAM_ONLY_FIELDS]
        schema["description"] = (
            "A stakeholder request. " + ", ".join(f"`{name}`" for name in TEAM_ONLY_FIELDS) + " are present "
            "for the product team only (people outside the team never see the backlog or the triage clocks)."
        )
        return schema
