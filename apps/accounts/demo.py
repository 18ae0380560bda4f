"""Demo people, shared by every app's demo data."""

from apps.accounts.models import User

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 -- published in the README for the demo


def demo_person(username: str, first: str, last: str) -> User:
    """The demo user with this username, created with the demo password if missing."""
    user, created = User.objects.get_or_create(
        username=username, defaults={"first_name": first, "last_name": last, "email": f"{username}@example.com"}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user
