import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from apps.accounts import events


class User(AbstractUser):
    """A person who signs in. What they may do depends on their memberships."""

    def __str__(self):
        return self.get_full_name() or self.username

    def save(self, *args, **kwargs):
        # set_password() leaves the new password in _password until saved. Every way
        # of changing one (the change and reset forms, the admin, `changepassword`)
        # ends here, so all of the person's API tokens (and, through
        # apps.accounts.events, other apps' secrets such as calendar feed
        # addresses) stop working with the old password. Rehashing on sign-in
        # does not count: Django clears _password then.
        password_changed = self._password is not None
        super().save(*args, **kwargs)
        if password_changed:
            ApiToken.objects.filter(user=self).delete()
            events.password_changed(user=self)


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


class ApiToken(models.Model):
    """A personal API token. Only the SHA-256 digest of its secret is stored
    (the secret is shown once, when it is made); `key_prefix` tells tokens
    apart in lists. A token expires, and may be limited to one product and a
    list of actions (apps.accounts.permissions.TokenScope). Revoking deletes it."""

    SECRET_PREFIX = "dsp_"  # noqa: S105 -- marks our secrets (e.g. for secret scanners), is not one

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    key_prefix = models.CharField(max_length=16)
    digest = models.CharField(max_length=64, unique=True)
    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    actions = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name} ({self.key_prefix}…)"

    @staticmethod
    def digest_of(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()
