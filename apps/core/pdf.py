"""PDF documents drawn in pure Python (fpdf2) with a bundled DejaVu font, so
any text people wrote renders and no system library is needed. Shared by the
happiness report, the retrospective summary and the delivery report."""

import logging
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

FONTS = Path(__file__).resolve().parent / "fonts"
# fontTools logs every table it subsets at INFO: noise in the worker's log.
logging.getLogger("fontTools").setLevel(logging.WARNING)
MUTED = (102, 112, 133)
HEADER_FILL = (238, 241, 246)
BAR_COLOUR = (54, 87, 201)


class Document(FPDF):
    def __init__(self, title: str):
        super().__init__(format="A4")
        self.add_font("DejaVu", "", FONTS / "DejaVuSans.ttf")
        self.add_font("DejaVu", "B", FONTS / "DejaVuSans-Bold.ttf")
        self.set_auto_page_break(auto=True, margin=15)
        self.set_title(title)
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
        """A horizontal bar per value, so the PDF has the chart the page has."""
        self.paragraph(title, bold=True)
        top = max(distribution.values(), default=0) or 1
        for label, count in distribution.items():
            self.cell(10, 6, label)
            width = 110 * count / top
            if width:
                self.set_fill_color(*BAR_COLOUR)
                self.rect(self.get_x(), self.get_y() + 1, width, 4, style="F")
            self.set_x(self.get_x() + width + 2)
            self.cell(20, 6, str(count), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_fill_color(255, 255, 255)

    def grid(self, header: list[str], rows: list[list], fills: list[list] | None = None) -> None:
        """A table; `fills` gives an optional background colour per cell."""
        with super().table(
            first_row_as_headings=True,
            line_height=6,
            text_align="LEFT",
            headings_style=FontFace(emphasis="BOLD", fill_color=HEADER_FILL),
        ) as table:
            table_row = table.row()
            for value in header:
                table_row.cell(str(value))
            for r, values in enumerate(rows):
                table_row = table.row()
                for c, value in enumerate(values):
                    fill = fills[r][c] if fills else None
                    table_row.cell(str(value), style=FontFace(fill_color=fill) if fill else None)
        self.ln(2)
