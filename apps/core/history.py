"""What the history sections share (a backlog item's, a hypothesis's): the
rows django-simple-history kept, newest first, turned into entries of who
changed what and when, compared in Python over rows read at once (not
diff_against, which queries per pair). The page shows them with
templates/partials/history.html; each app says what a change looks like."""

from collections.abc import Callable, Sequence
from typing import Any

Change = tuple[str, str, str]  # (field, old, new); no field: (what happened, detail) in old and new


def entry(record, changes: list[Change]) -> dict[str, Any]:
    return {"when": record.history_date, "who": record.history_user, "changes": changes}


def entries_of(
    records: Sequence, *, limit: int, created: str, changes: Callable[[Any, Any], list[Change]]
) -> list[dict[str, Any]]:
    """`records`: up to limit + 1 history rows, newest first (the extra one is
    what the oldest shown is compared with). `created` names the first row;
    `changes(older, newer)` lists what a later one changed (none: no entry)."""
    shown = []
    for newer, older in zip(records[:limit], [*records[1:], None], strict=False):
        if older is None or newer.history_type == "+":
            shown.append(entry(newer, [("", created, "")]))
            continue
        changed = changes(older, newer)
        if changed:
            shown.append(entry(newer, changed))
    return shown
