"""Stale-edit refusal, one rule for every versioned object: an edit names the
version it was based on; if the row moved on since, nothing is changed and the
person is told the same thing everywhere (page 409, API 409)."""

from apps.core.exceptions import Conflict


def refuse_if_stale(current, expected_version: int | None, *, label: str, field: str = "version") -> None:
    """Raise Conflict when `current` (a row read under lock) is newer than the
    version the editor saw. `label` names the object for the person ("#12")."""
    if expected_version is not None and getattr(current, field) != expected_version:
        raise Conflict(stale_message(label))


def stale_message(label: str) -> str:
    return f"{label} was changed by someone else since you opened it. Reload to see the change, then try again."
