"""A happiness report as a downloadable document: self-contained HTML, or a
PDF drawn in pure Python (fpdf2 with a bundled DejaVu font, so any text
people wrote renders and no system library is needed)."""

import logging

from django.template.loader import render_to_string
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from apps.core.pdf import FONTS
from apps.reports import selectors
from apps.reports.models import HappinessReport

# fontTools logs every table it subsets at INFO: noise in the worker's log.
logging.getLogger("fontTools").setLevel(logging.WARNING)
BAR_COLOUR = (54, 87, 201)
MUTED = (102, 112, 133)
HEADER_FILL = (238, 241, 246)
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
    pdf = _Document()
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


def _pdf_headline(pdf: "_Document", figures: dict) -> None:
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


def _pdf_actions(pdf: "_Document", context: dict) -> None:
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


class _Document(FPDF):
    def __init__(self):
        super().__init__(format="A4")
        self.add_font("DejaVu", "", FONTS / "DejaVuSans.ttf")
        self.add_font("DejaVu", "B", FONTS / "DejaVuSans-Bold.ttf")
        self.set_auto_page_break(auto=True, margin=15)
        self.set_title("Happiness report")
        self.add_page()
        self.set_font("DejaVu", size=10)

    def heading(self, text: str, size: int = 13) -> None:
        self.ln(3)
        self.set_font("DejaVu", "B", size)
        self.multi_cell(0, size * 0.6, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("DejaVu", "", 10)
        self.ln(1)

    def paragraph(self, text: str, bold: bool = False) -> None:
        self.set_font("DejaVu", "B" if bold else "", 10)
        self.multi_cell(0, 5.5, str(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("DejaVu", "", 10)

    def muted(self, text: str) -> None:
        self.set_text_color(*MUTED)
        self.paragraph(text)
        self.set_text_color(0, 0, 0)

    def bars(self, title: str, distribution: dict[str, int]) -> None:
        """A horizontal bar per score, so the PDF has the chart the page has."""
        self.paragraph(title, bold=True)
        top = max(distribution.values()) or 1
        for score, count in distribution.items():
            self.cell(10, 6, score)
            width = 110 * count / top
            if width:
                self.set_fill_color(*BAR_COLOUR)
                self.rect(self.get_x(), self.get_y() + 1, width, 4, style="F")
            self.set_x(self.get_x() + width + 2)
            self.cell(20, 6, str(count), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_fill_color(255, 255, 255)

    def grid(self, header: list[str], rows: list[list]) -> None:
        with super().table(
            first_row_as_headings=True,
            line_height=6,
            text_align="LEFT",
            headings_style=FontFace(emphasis="BOLD", fill_color=HEADER_FILL),
        ) as table:
            for values in [header, *rows]:
                row = table.row()
                for value in values:
                    row.cell(str(value))
        self.ln(2)
