"""The roadmap as an iCalendar feed (RFC 5545): an all-day event on each
item's target day and on each milestone. Written by hand: the format is a
handful of lines, and escaping and line folding are the only subtle parts."""

import datetime
from collections.abc import Iterable

from apps.roadmap.models import Milestone, RoadmapItem


def calendar(
    *,
    product,
    items: Iterable[RoadmapItem],
    milestones: Iterable[Milestone],
    internal: bool,
    base_url: str,
    now: datetime.datetime,
) -> str:
    stamp = now.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//DS Portal//Roadmap//EN",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_text(product.name + ' roadmap')}",
    ]
    for item in items:
        if item.target is None:
            continue
        description = item.internal_notes if internal and item.internal_notes else item.public_description
        forecast = getattr(item, "forecast", None)
        if forecast is not None and forecast.p85:
            description = f"85 % likely done by {forecast.p85.day} {forecast.p85:%b %Y}.\n\n{description}".strip()
        lines += _event(
            uid=f"roadmap-item-{item.pk}@{product.slug}",
            day=item.target,
            summary=f"Target: {item.title}",
            description=description,
            url=base_url + item.get_absolute_url(),
            stamp=stamp,
        )
    for milestone in milestones:
        lines += _event(
            uid=f"milestone-{milestone.pk}@{product.slug}",
            day=milestone.date,
            summary=f"Milestone: {milestone.title}",
            description=milestone.description,
            url="",
            stamp=stamp,
        )
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


def _event(*, uid: str, day: datetime.date, summary: str, description: str, url: str, stamp: str) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
        f"DTEND;VALUE=DATE:{day + datetime.timedelta(days=1):%Y%m%d}",
        f"SUMMARY:{_text(summary)}",
    ]
    if description:
        lines.append(f"DESCRIPTION:{_text(description)}")
    if url:
        lines.append(f"URL:{url}")
    lines.append("END:VEVENT")
    return lines


def _text(value: str) -> str:
    return (
        value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space."""
    encoded = line.encode()
    if len(encoded) <= 75:
        return line
    parts: list[str] = []
    start = 0
    while start < len(encoded):
        end = min(start + (75 if not parts else 74), len(encoded))
        while end < len(encoded) and (encoded[end] & 0xC0) == 0x80:  # never split a UTF-8 character
            end -= 1
        parts.append(encoded[start:end].decode())
        start = end
    return "\r\n ".join(parts)
