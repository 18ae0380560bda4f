"""The global search through the API: the same providers as the page, so it
finds only what the caller's pages would show."""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.home import search as global_search
from apps.home.serializers import HitSerializer, SearchQuerySerializer


class SearchView(APIView):
    """Items, requests and roadmap items of every product the caller may see,
    best match first; `q` may be a reference (#123, R-4)."""

    @extend_schema(parameters=[SearchQuerySerializer], responses=HitSerializer(many=True))
    def get(self, request, *args, **kwargs):
        params = SearchQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        query, kind = params.validated_data["q"], params.validated_data.get("kind")
        hits = global_search.jump(request.user, query)
        if hits is None:
            hits = global_search.search(
                request.user, query, kinds=[kind] if kind else None, limit=params.validated_data["limit"]
            )
        return Response(HitSerializer(hits, many=True).data)
