"""A delivery report as a downloadable document: self-contained HTML, or a
PDF drawn with the portal's shared document (apps.core.pdf)."""

from django.template.loader import render_to_string

from apps.core.pdf import Document
from apps.delivery.models import DeliveryReport


def document_context(report: DeliveryReport) -> dict:
    return {"report": report, "figures": report.figures, "product": report.product}


def report_html(report: DeliveryReport) -> str:
    return render_to_string("delivery/report_document.html", document_context(report))


def _pct(ratio) -> str:
    return "–" if ratio is None else f"{round(ratio * 100)} %"


def _v(value) -> str:
    if value is None:
        return "–"
    return f"{value:g}" if isinstance(value, float) else str(value)


def report_pdf(report: DeliveryReport) -> bytes:
    figures = report.figures
    pdf = Document(f"Delivery report: {report.product.name}")
    pdf.heading(f"Delivery report: {report.product.name}", size=18)
    pdf.muted(f"{report.title} · {figures['start']} to {figures['end']} · version {report.version}")
    pdf.paragraph(report.summary)
    sprints = figures["sprints"]
    pdf.heading("Sprint by sprint")
    if sprints["sprints"]:
        pdf.grid(
            ["Sprint", "Committed", "Completed", "Say/do", "Scope +", "Scope −", "Carried over"],
            [
                [
                    s["name"],
                    _v(s["committed"]),
                    _v(s["completed"]),
                    _pct(s["say_do"]),
                    _v(s["scope_added"]),
                    _v(s["scope_removed"]),
                    _v(s["carried_over"]),
                ]
                for s in sprints["sprints"]
            ],
        )
    else:
        pdf.muted("No sprint ran in this period.")
    velocity = sprints["velocity"]
    if velocity["sprints"]:
        pdf.paragraph(
            f"Velocity over the last {len(velocity['sprints'])} closed sprints: "
            f"average {_v(velocity['average'])} points" + (f", {velocity['trend']}." if velocity["trend"] else ".")
        )
    flow = figures["flow"]
    pdf.heading("Flow")
    pdf.paragraph(f"{flow['finished']} items finished.")
    pdf.grid(
        ["Distribution", "Items", "50 %", "85 %", "95 %"],
        [
            [label, _v(d["count"]), _v(d["p50"]), _v(d["p85"]), _v(d["p95"])]
            for label, d in (("Cycle time (days)", flow["cycle_time"]), ("Lead time (days)", flow["lead_time"]))
        ],
    )
    pdf.grid(
        ["Week of", "Items finished", "Points"], [[w["week"], w["items"], _v(w["points"])] for w in flow["throughput"]]
    )
    if flow["by_kind"]:
        pdf.grid(["Kind", "Items", "Points"], [[k["label"], k["items"], _v(k["points"])] for k in flow["by_kind"]])
    science = figures["science"]
    pdf.heading("Science")
    pdf.paragraph(
        f"Experiment items finished: {science['experiments_concluded']}. Intermediate deliveries (findings): "
        f"{science['intermediate_deliveries']}. Wrong assumptions: {science['wrong_assumptions']}, adding "
        f"{science['follow_up_items']} follow-up items ({_v(science['follow_up_points'])} points)."
    )
    if science["hypotheses"]:
        h = science["hypotheses"]
        pdf.paragraph(
            f"Hypotheses validated: {h['validated']}, invalidated: {h['invalidated']}, "
            f"inconclusive: {h['inconclusive']}; experiments concluded: {h['experiments_concluded']}."
        )
    else:
        pdf.muted("The portal did not track hypotheses yet when this report was built.")
    blockers = figures["blockers"]
    pdf.heading("Blockers")
    pdf.paragraph(
        f"{_v(blockers['days'])} blocker-days on {blockers['items']} items; data access: "
        f"{_v(blockers['data_access_days'])} days on {blockers['data_access_items']} items."
    )
    if blockers["longest_open"]:
        pdf.grid(
            ["Item", "Kind", "Since", "Days"],
            [
                [f"#{b['number']} {b['title']}", b["kind_label"], b["since"], b["days"]]
                for b in blockers["longest_open"]
            ],
        )
    requests = figures["requests"]
    pdf.heading("Stakeholder requests")
    pdf.grid(
        ["Received", "Decided", "Delivered", "Median to first response", "Median to decision", "Target"],
        [
            [
                requests["received"],
                requests["decided"],
                requests["delivered"],
                _v(requests["median_first_response_days"]),
                _v(requests["median_decision_days"]),
                f"{requests['target_days']} working days",
            ]
        ],
    )
    roadmap = figures["roadmap"]
    pdf.heading("Roadmap")
    if roadmap["items"]:
        pdf.grid(
            ["Item", "Status", "50 %", "85 %", "Since last report"],
            [[r["title"], r["status"], _v(r["p50"]), _v(r["p85"]), _moved(r)] for r in roadmap["items"]],
        )
    else:
        pdf.muted("No open roadmap items.")
    pdf.heading("Team")
    team = figures.get("team")
    if team:
        pdf.paragraph(f"Retro actions done: {team['actions_done']}; still open: {team['actions_open']}.")
        if team["health"]:
            pdf.grid(
                ["Health check", "Answers", "Score (0–100)"],
                [[c["label"], c["responses"] if c["enough"] else "too few", _v(c["score"])] for c in team["health"]],
            )
    else:
        pdf.muted("Retrospectives and health checks are not in the portal yet.")
    return bytes(pdf.output())


def _moved(row: dict) -> str:
    if row["moved"] in ("later", "earlier"):
        return f"{row['moved']} by {abs(row['moved_days'])} days"
    return row["moved"] or "–"
