"""Limits of the requests app, from the environment (documented in the README)."""

from datetime import timedelta

from portal.env import env_int

MB = 1024 * 1024

ATTACHMENT_MAX_BYTES = env_int("REQUEST_ATTACHMENT_MAX_MB", 10) * MB
ATTACHMENTS_PER_REQUEST = 10
SUBMISSIONS_PER_WINDOW = env_int("REQUEST_SUBMISSIONS_PER_HOUR", 10)
SUBMISSION_WINDOW = timedelta(hours=1)
