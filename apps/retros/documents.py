"""A retrospective's summary as a document: markdown (for a wiki or a chat)
and PDF (apps.core.pdf). Both are drawn from selectors.retro_summary, which
holds no card author and no health figures below the minimum of answers."""

from django.utils.text import slugify

from apps.core.pdf import Document
from apps.retros.models import Retrospective

ARROWS = {"up": "▲", "down": "▼", "same": "=", "": ""}
FILLS = {"green": (209, 250, 223), "amber": (254, 240, 199), "red": (254, 228, 226)}


def file_name(retro: Retrospective) -> str:
    return f"retro-{slugify(retro.sprint.name) or retro.pk}-{retro.pk}"


def _md(text: str) -> str:
    """Text people wrote, on one line, unable to start markdown structure of its own."""
    line = " ".join(str(text).split())
    return line.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;")


def summary_markdown(summary: dict) -> str:
    lines = [f"# {_md(summary['title'])}", ""]
    where = summary["sprint"] + (f" · {summary['stage']}" if summary["stage"] else "")
    lines += [f"{_md(summary['product'])} · {_md(where)} · {_md(summary['format'])}", ""]
    if summary["closed_on"]:
        lines += [f"Closed on {summary['closed_on']}.", ""]
    lines += ["## Themes by votes", ""]
    for theme in summary["themes"]:
        lines.append(f"### {_md(theme['title'])} ({theme['votes']} vote{'s' if theme['votes'] != 1 else ''})")
        lines.append("")
        lines += [f"- {_md(card['column'])}: {_md(card['text'])}" for card in theme["cards"]]
        if theme["decision"]:
            lines += ["", f"**Decision:** {_md(theme['decision'])}"]
        lines.append("")
    if not summary["themes"]:
        lines += ["No themes.", ""]
    if summary["loose_cards"]:
        lines += ["## Other cards", ""]
        lines += [f"- {_md(card['column'])}: {_md(card['text'])}" for card in summary["loose_cards"]]
        lines.append("")
    lines += ["## Actions", ""]
    if summary["actions"]:
        lines += ["| Action | Owner | Due | Status | Backlog |", "|---|---|---|---|---|"]
        lines += [
            f"| {_md(a['text'])} | {_md(a['owner']) or '–'} | {a['due_date'] or '–'} | {a['status']} | "
            f"{a['backlog_item'] or '–'} |"
            for a in summary["actions"]
        ]
    else:
        lines.append("No actions.")
    lines.append("")
    if summary["reviewed"]:
        lines += ["## Actions of earlier retrospectives", ""]
        lines += [f"- {_md(a['text'])}: {a['status']}" for a in summary["reviewed"]]
        lines.append("")
    health = summary["health"]
    if health is not None:
        lines += ["## Team health check", ""]
        lines.append(_health_note(health))
        if health["rows"]:
            lines += ["", "| Dimension | Score | Green | Amber | Red | Trend |", "|---|---|---|---|---|---|"]
            lines += [
                f"| {_md(r['name'])} | {r['score']} ({r['colour']}) | {r['green']} | {r['amber']} | {r['red']} | "
                f"{ARROWS[r['trend']] or '–'} |"
                for r in health["rows"]
            ]
        lines.append("")
    return "\n".join(lines)


def _health_note(health: dict) -> str:
    if health["open"]:
        return "The health check is still open; its results show once it closes."
    if not health["enough"]:
        return f"Not enough answers to show anything (at least {health['min_answers']} needed)."
    return f"{health['responses']} answers."


def summary_pdf(summary: dict) -> bytes:
    pdf = Document(f"Retrospective: {summary['title']}")
    pdf.heading(summary["title"], size=18)
    where = summary["sprint"] + (f" · {summary['stage']}" if summary["stage"] else "")
    pdf.muted(
        f"{summary['product']} · {where} · {summary['format']}"
        + (f" · closed {summary['closed_on']}" if summary["closed_on"] else "")
    )
    pdf.heading("Themes by votes")
    for theme in summary["themes"]:
        pdf.paragraph(f"{theme['title']} ({theme['votes']} votes)", bold=True)
        for card in theme["cards"]:
            pdf.muted(f"{card['column']}: {card['text']}")
        if theme["decision"]:
            pdf.paragraph(f"Decision: {theme['decision']}")
    if not summary["themes"]:
        pdf.paragraph("No themes.")
    pdf.heading("Actions")
    if summary["actions"]:
        pdf.grid(
            ["Action", "Owner", "Due", "Status", "Backlog"],
            [
                [a["text"], a["owner"] or "–", a["due_date"] or "–", a["status"], a["backlog_item"] or "–"]
                for a in summary["actions"]
            ],
        )
    else:
        pdf.paragraph("No actions.")
    if summary["reviewed"]:
        pdf.heading("Actions of earlier retrospectives")
        pdf.grid(["Action", "Review"], [[a["text"], a["status"]] for a in summary["reviewed"]])
    health = summary["health"]
    if health is not None:
        pdf.heading("Team health check")
        pdf.paragraph(_health_note(health))
        if health["rows"]:
            rows = [
                [r["name"], r["score"], r["green"], r["amber"], r["red"], ARROWS[r["trend"]] or "–"]
                for r in health["rows"]
            ]
            fills = [[None, FILLS[r["colour"]], None, None, None, None] for r in health["rows"]]
            pdf.grid(["Dimension", "Score", "Green", "Amber", "Red", "Trend"], rows, fills)
    return bytes(pdf.output())
