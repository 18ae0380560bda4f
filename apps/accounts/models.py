from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person who signs in. What they may do depends on their memberships."""

    def __str__(self):
        return self.get_full_name() or self.username


class Role(models.TextChoices):
    PRODUCT_MANAGER = "pm", "Product manager"
    SCRUM_MASTER = "scrum_master", "Scrum master"
    TEAM_MEMBER = "member", "Team member"
    STAKEHOLDER = "stakeholder", "Stakeholder"


class Membership(models.Model):
    """One user's role in one product; the root of every permission."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "product"], name="one_membership_per_user_and_product"),
        ]
        ordering = ["product_id", "role", "user_id"]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.product}"


class PasswordResetRequest(models.Model):
    """One request for a password-reset email, counted against the per-address
    and per-client limits (apps.accounts.services.password_reset_request_record).
    The address is kept only as a keyed digest; rows older than a day go."""

    address_digest = models.CharField(max_length=64)
    client = models.CharField(max_length=45, blank=True)
    requested_at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["address_digest", "requested_at"]),
            models.Index(fields=["client", "requested_at"]),
        ]

    def __str__(self):
        return f"password reset asked for at {self.requested_at:%Y-%m-%d %H:%M}"
