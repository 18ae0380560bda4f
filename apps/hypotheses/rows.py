"""The ledger page's rows as plain dicts (apps/backlog/rows.py is the pattern).

A row holds exactly what the table shows, read with `.values()` from the
ledger selector's query (the latest observed value and the number of
experiments are its SQL subqueries), labels and addresses built once per
page. The template keeps each rendered row in the fragments cache under the
row itself and the viewer's shape of the table: a change to anything shown is
a new key, and nothing is served stale."""

from django.db.models import QuerySet
from django.urls import reverse

from apps.backlog.selectors import person_name
from apps.hypotheses.models import Hypothesis, LearningEntry

# What a row reads; `learning` only in the public shape.
ROW_FIELDS = [
    "number",
    "change",
    "audience",
    "status",
    "proposed_status",
    "published_at",
    "metric_id",
    "metric__name",
    "metric__unit",
    "metric_text",
    "unit",
    "baseline",
    "target",
    "target_date",
    "confidence_before",
    "confidence_after",
    "owner_id",
    "owner__first_name",
    "owner__last_name",
    "owner__username",
    "observed",
    "experiment_count",
]


def for_rows(hypotheses: QuerySet[Hypothesis], *, internal: bool) -> QuerySet:
    """`hypotheses` (the ledger selector's, filtered) as the dicts `ledger_rows` reads."""
    return (
        hypotheses.values(*ROW_FIELDS)
        if internal
        else hypotheses.values("number", "change", "audience", "status", "learning")
    )


def ledger_rows(values, *, product, internal: bool) -> list[dict]:
    """Rows of the page from `for_rows` dicts: the team's every column, everyone else's the public ones."""
    ledger_url = reverse("hypotheses:ledger", args=[product.slug])
    statuses = dict(Hypothesis.Status.choices)

    def shown_to_all(row) -> dict:
        return {
            "url": f"{ledger_url}{row['number']}/",
            "reference": f"H-{row['number']}",
            "change": row["change"],
            "audience": row["audience"],
            "status": row["status"],
            "status_label": statuses.get(row["status"], row["status"]),
        }

    if not internal:
        return [{**shown_to_all(row), "learning": row["learning"]} for row in values]
    rows = []
    metrics_url = reverse("products:metric-add", args=[product.slug])  # …/metrics/
    for row in values:
        unit = row["metric__unit"] if row["metric_id"] else row["unit"]
        proposed = row["proposed_status"]
        rows.append(
            {
                **shown_to_all(row),
                "published": row["published_at"] is not None,
                "proposed": statuses.get(proposed, proposed).lower() if proposed else "",
                "metric": {"url": f"{metrics_url}{row['metric_id']}/", "name": row["metric__name"]}
                if row["metric_id"]
                else None,
                "metric_text": row["metric_text"],
                # Raw values, formatted inside the cached fragment (a hit skips the formatting).
                "unit": unit,
                "baseline": row["baseline"],
                "target": row["target"],
                "target_date": row["target_date"],
                "observed": row["observed"],
                "confidence_before": row["confidence_before"],
                "confidence_after": row["confidence_after"],
                "owner": person_name(row["owner__first_name"], row["owner__last_name"], row["owner__username"])
                if row["owner_id"]
                else "",
                "experiments": row["experiment_count"],
            }
        )
    return rows


# --- the learning log ----------------------------------------------------------------------


def for_log(entries: QuerySet, *, internal: bool) -> QuerySet:
    """`entries` (the learning selector's, filtered) as the dicts `log_rows` reads."""
    shown = ["happened_at", "hypothesis__number", "kind", "status", "believed", "learned"]
    return entries.values(*shown, "ran", "next_step") if internal else entries.values(*shown)


def log_rows(values, *, product) -> list[dict]:
    """Learning log entries as the page shows them (what we ran and do next: the team's only)."""
    ledger_url = reverse("hypotheses:ledger", args=[product.slug])
    kinds, statuses = dict(LearningEntry.Kind.choices), dict(Hypothesis.Status.choices)
    rows = []
    for row in values:
        number = row.pop("hypothesis__number")
        row |= {
            "url": f"{ledger_url}{number}/",
            "reference": f"H-{number}",
            "kind_label": kinds.get(row["kind"], row["kind"]),
            "status_label": statuses.get(row["status"], row["status"]),
        }
        rows.append(row)
    return rows
