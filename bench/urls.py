"""The portal's URLs plus two empty views, the floors of the request cycle:
what any page or API call costs before it does anything of its own (the same
middleware, session and sign-in; for the API the same authentication,
permission and throttle classes). Used only by the benchmarks."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.urls import handler500  # noqa: F401 -- handler500 is read from here
from portal.urls import urlpatterns as portal_urlpatterns


@login_required
def empty_page(request):
    return HttpResponse("")


class EmptyApi(APIView):
    def get(self, request):
        return Response({})


urlpatterns = [
    path("bench/empty/", empty_page),
    path("api/v1/bench/empty/", EmptyApi.as_view()),
    *portal_urlpatterns,
]
