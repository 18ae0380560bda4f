from django import template

register = template.Library()


@register.filter
def points(value):
    """34.0 -> "34", 2.5 -> "2.5", None -> "–"."""
    if value is None or value == "":
        return "–"
    return f"{float(value):g}"


@register.filter
def percent(ratio):
    return "–" if ratio is None else f"{round(float(ratio) * 100)} %"


@register.filter
def days(value):
    if value is None:
        return "–"
    return f"{value} working day{'s' if value != 1 else ''}"


@register.filter
def distributions(flow: dict) -> list[tuple[str, dict]]:
    return [("Cycle time (start to done)", flow["cycle_time"]), ("Lead time (created to done)", flow["lead_time"])]


@register.filter
def cfd_rows(series: dict) -> list[tuple]:
    return list(zip(series["days"], series["to_do"], series["in_progress"], series["done"], strict=True))


@register.filter
def moved(row: dict) -> str:
    if row.get("moved") in ("later", "earlier"):
        return f"{row['moved']} by {abs(row['moved_days'])} day{'s' if abs(row['moved_days']) != 1 else ''}"
    return {"same": "unchanged", "new": "new"}.get(row.get("moved") or "", "–")


@register.filter
def burndown_rows(burndown: dict) -> list[tuple]:
    return list(zip(burndown["days"], burndown["remaining"], burndown["ideal"], strict=True))
