"""The plain-language summary of a delivery report, written from its figures
by fixed rules (no language model): one sentence per thing worth saying,
nothing said about what has no figure."""


def _n(value: float) -> str:
    """34.0 -> "34", 2.5 -> "2.5"."""
    return f"{value:g}" if value is not None else "–"


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def _percent(ratio: float | None) -> str:
    return f"{round(ratio * 100)} %" if ratio is not None else "–"


def sentences(figures: dict) -> list[str]:
    said: list[str] = []
    sprints = figures.get("sprints") or {}
    if sprints.get("sprints"):
        committed, done = sprints["committed"], sprints["completed_committed"]
        if committed:
            said.append(f"Delivered {_n(done)} of {_n(committed)} committed points ({_percent(sprints['say_do'])}).")
        else:
            said.append(f"Finished {_n(sprints['completed'])} points; nothing was committed at a sprint start.")
        added, removed = sprints["scope_added"], sprints["scope_removed"]
        if added or removed:
            reestimated = sprints.get("reestimated") or 0
            note = f", {_n(abs(reestimated))} of it by re-estimating" if reestimated else ""
            said.append(f"Scope changed mid-sprint: +{_n(added)} / −{_n(removed)} points{note}.")
        if sprints["carried_over"]:
            said.append(f"{_n(sprints['carried_over'])} points were carried over to the next sprint.")
        trend = (sprints.get("velocity") or {}).get("trend")
        if trend:
            said.append(f"Velocity is {trend} (average {_n(sprints['velocity']['average'])} points per sprint).")
    else:
        said.append("No sprint ran in this period.")
    flow = figures.get("flow") or {}
    if flow.get("finished"):
        cycle = flow["cycle_time"]
        timing = ""
        if cycle.get("p50") is not None:
            timing = (
                f"; half took {_plural(cycle['p50'], 'day')} or less from start to done,"
                f" 85 % within {_plural(cycle['p85'], 'day')}"
            )
        said.append(f"{_plural(flow['finished'], 'item')} finished{timing}.")
    science = figures.get("science") or {}
    experiments = science.get("experiments_concluded") or 0
    findings = science.get("intermediate_deliveries") or 0
    if experiments or findings:
        parts = []
        if experiments:
            parts.append(f"{_plural(experiments, 'experiment')} concluded")
        if findings:
            parts.append(f"{_plural(findings, 'finding')} recorded as intermediate deliveries")
        said.append("; ".join(parts).capitalize() + ".")
    hypotheses = science.get("hypotheses")
    if hypotheses and (hypotheses["validated"] or hypotheses["invalidated"]):
        said.append(
            f"{_plural(hypotheses['validated'], 'hypothesis', 'hypotheses')} validated, "
            f"{hypotheses['invalidated']} invalidated."
        )
    if science.get("wrong_assumptions"):
        said.append(
            f"{_plural(science['wrong_assumptions'], 'wrong assumption')} added "
            f"{_plural(science['follow_up_items'], 'follow-up item')} ({_n(science['follow_up_points'])} points)."
        )
    blockers = figures.get("blockers") or {}
    if blockers.get("data_access_items"):
        said.append(
            f"Data access blocked {_plural(blockers['data_access_items'], 'item')} "
            f"for {_n(round(blockers['data_access_days']))} days in total."
        )
    other = (blockers.get("items") or 0) - (blockers.get("data_access_items") or 0)
    if blockers.get("other_days") and other > 0:
        said.append(f"Other blockers cost {_n(round(blockers['other_days']))} days.")
    requests = figures.get("requests") or {}
    if requests.get("received") or requests.get("decided"):
        median = requests.get("median_decision_days")
        timing = (
            f" (median {_plural(median, 'working day')} to a decision; target {requests['target_days']})"
            if median is not None
            else ""
        )
        said.append(
            f"{_plural(requests['received'], 'request')} received, {requests['decided']} decided{timing}, "
            f"{requests['delivered']} delivered."
        )
    team = figures.get("team") or {}
    if team.get("actions_done") or team.get("actions_open"):
        said.append(f"Retro actions: {team['actions_done']} done, {team['actions_open']} still open.")
    roadmap = figures.get("roadmap") or {}
    if roadmap.get("moved"):
        said.append(f"{_plural(roadmap['moved'], 'roadmap forecast')} moved since the last report.")
    return said


def summary_of(figures: dict) -> str:
    return " ".join(sentences(figures))
