"""Limits of the backlog app, from the environment (documented in the README)."""

from portal.env import env_int

MB = 1024 * 1024

ATTACHMENT_MAX_BYTES = env_int("ITEM_ATTACHMENT_MAX_MB", 10) * MB
ATTACHMENTS_PER_ITEM = 20
