"""Counts what the schema conformance run sent, for the end of the test report."""

from collections import Counter

import pytest

SENT: Counter = Counter()


@pytest.fixture
def count_case():
    def count(role: str, status: int) -> None:
        SENT[(role, f"{status // 100}xx")] += 1

    return count


def pytest_terminal_summary(terminalreporter):
    if not SENT:
        return
    roles = sorted({role for role, _ in SENT})
    lines = [
        f"  {role}: {sum(n for (r, _), n in SENT.items() if r == role)} requests ("
        + ", ".join(f"{kind} {n}" for (r, kind), n in sorted(SENT.items()) if r == role)
        + ")"
        for role in roles
    ]
    terminalreporter.write_sep("-", f"schema conformance: {sum(SENT.values())} requests")
    for line in lines:
        terminalreporter.write_line(line)
