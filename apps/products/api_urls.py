from django.urls import include, path
from rest_framework.routers import SimpleRouter

from apps.products.api import MembershipViewSet, ProductViewSet

router = SimpleRouter()
router.register("products", ProductViewSet, basename="product")

product_router = SimpleRouter()
product_router.register("memberships", MembershipViewSet, basename="membership")

urlpatterns = [
    *router.urls,
    path("products/<slug:product_slug>/", include(product_router.urls)),
]
