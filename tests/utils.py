import time

from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries_of(action) -> int:
    """How many SQL queries `action()` runs. Pin a page's count at one size,
    then assert the same count with `django_assert_num_queries` at a larger size."""
    with CaptureQueriesContext(connection) as ctx:
        action()
    return len(ctx)


def wait_for(condition, timeout=30.0, interval=0.2):
    """Poll `condition()` until it is truthy or the timeout passes; return its last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


def allow_creating_products(user):
    """Let `user` create products as the site would: the "products.add_product" permission."""
    from django.contrib.auth.models import Permission

    user.user_permissions.add(Permission.objects.get(content_type__app_label="products", codename="add_product"))
    return user
