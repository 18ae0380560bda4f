"""A happiness report as a downloadable document: self-contained HTML, or a
PDF drawn in pure Python (fpdf2 with a bundled DejaVu font, so any text
people wrote renders and no system library is needed)."""

from django.template.loader import render_to_string

from apps.core.pdf import Document
from apps.reports import selectors
from apps.reports.models import HappinessReport

ARROWS = {"up": "▲", "down": "▼", "same": "="}


def document_context(report: HappinessReport) -> dict:
    return {
        "report": report,
        "figures": report.figures,
        "product": report.round.survey.product,
        "action_items": selectors.action_items_of(report),
    }


def report_html(report: HappinessReport) -> str:
    return render_to_string("reports/report_document.html", document_context(report))


def report_pdf(report: HappinessReport) -> bytes:
    context = document_context(report)
    figures = context["figures"]
    pdf = Document("Happiness report")
    pdf.heading(f"Happiness report: {figures['product']}", size=18)
    pdf.muted(
        f"{figures['survey']} · round {figures['round']} · {figures['opened_on']} to {figures['closed_on']} · "
        f"asked: {figures['audience']}"
    )
    pdf.paragraph(
        f"{figures['responses']} answers from {figures['invited']} people invited "
        f"(response rate {figures['response_rate']}%)."
    )
    overall = figures["overall"]
    if not overall["enough"]:
        pdf.paragraph(_not_enough(overall, figures["min_responses"]))
    else:
        _pdf_headline(pdf, figures)
    _pdf_actions(pdf, context)
    return bytes(pdf.output())


def _pdf_headline(pdf: Document, figures: dict) -> None:
    overall = figures["overall"]
    nps = overall["nps"]
    pdf.heading("Happiness and recommendation")
    pdf.paragraph(
        f"Happiness: {overall['happiness']['mean']} of 5.   Net promoter score: {nps['score']} "
        f"({nps['promoters']}% promoters, {nps['passives']}% passives, {nps['detractors']}% detractors)."
    )
    pdf.bars("Happiness scores", overall["happiness"]["distribution"])
    if figures["changes"]:
        pdf.heading(f"Change since round {figures['previous_round']}")
        pdf.grid(
            ["Figure", "Before", "Now", "Change"],
            [
                [c["label"], c["previous"], c["current"], f"{ARROWS[c['direction']]} {c['delta']:+}"]
                for c in figures["changes"]
            ],
        )
    if figures["groups"]:
        pdf.heading("By audience")
        pdf.grid(["Group", "Answers", "Happiness", "NPS"], [_group_row(g, figures) for g in figures["groups"]])
    if figures["capabilities"]:
        pdf.heading("Capabilities")
        pdf.grid(
            ["Capability", "Used by", "Satisfaction (1–5)"],
            [
                [
                    c["name"],
                    f"{c['users']} ({c['usage']}%)",
                    c["satisfaction"]["mean"] if c["enough"] else "not enough answers",
                ]
                for c in figures["capabilities"]
            ],
        )
    for key, title in (("improve", "What to improve"), ("liked", "What people like")):
        if figures["themes"][key]:
            pdf.heading(title)
            for theme in figures["themes"][key]:
                pdf.paragraph(f"{theme['name']} ({theme['count']})", bold=True)
                for quote in theme["quotes"]:
                    pdf.muted(f"“{quote}”")


def _pdf_actions(pdf: Document, context: dict) -> None:
    report, figures = context["report"], context["figures"]
    if report.action_note or context["action_items"]:
        pdf.heading("What we will do about it")
        if report.action_note:
            pdf.paragraph(report.action_note)
        for item in context["action_items"]:
            pdf.paragraph(f"#{item.number} {item.title} ({item.get_status_display()})")
    if figures["follow_up"]:
        pdf.heading(f"What we said we would do after round {figures['previous_round']}")
        pdf.grid(
            ["Item", "Status", "Delivered"],
            [
                [f"#{i['number']} {i['title']}", i["status"], "yes" if i["delivered"] else "not yet"]
                for i in figures["follow_up"]
            ],
        )


def _group_row(group: dict, figures: dict) -> list:
    if group["enough"]:
        return [group["label"], group["responses"], group["happiness"]["mean"], group["nps"]["score"]]
    return [group["label"], "–", _not_enough(group, figures["min_responses"]), ""]


def _not_enough(slice_: dict, min_responses: int) -> str:
    if slice_.get("protects_others"):
        return "hidden so a smaller group's answers cannot be worked out"
    return f"not enough responses (at least {min_responses} needed)"
