"""Surveys waiting for my answer, in My work (apps.home): every role,
stakeholders included, answers from here through the signed-in way in
(`reports:answer-mine`: the invitation goes into the session and the answer
page names nobody, as with the emailed link). Registered in ReportsConfig.ready."""

from apps.reports import access

SHOWN = 10


def surveys_section(request) -> dict | None:
    invitations = list(access.my_open_invitations(request.user)[: SHOWN + 1])
    if not invitations:
        return None
    return {"invitations": invitations[:SHOWN], "more": len(invitations) > SHOWN}
