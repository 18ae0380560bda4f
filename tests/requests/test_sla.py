from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from apps.requests.sla import is_overdue, on_time_since, working_days_between

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1))


def naive_working_days(start, end):
    return sum(1 for offset in range(1, (end - start).days + 1) if (start + timedelta(days=offset)).weekday() < 5)


@given(days, st.integers(min_value=0, max_value=400))
def test_working_days_match_counting_one_by_one(start, length):
    end = start + timedelta(days=length)
    assert working_days_between(start, end) == naive_working_days(start, end)


def test_a_weekend_does_not_count():
    friday, monday = date(2026, 11, 20), date(2026, 11, 23)
    assert working_days_between(friday, monday) == 1
    assert working_days_between(monday, friday) == 0


def test_five_working_days_is_on_time_six_is_overdue():
    monday = date(2026, 11, 16)
    assert not is_overdue(submitted_on=monday, today=monday + timedelta(days=7), target_days=5)
    assert is_overdue(submitted_on=monday, today=monday + timedelta(days=8), target_days=5)


@given(days, st.integers(min_value=1, max_value=60), st.integers(min_value=0, max_value=120))
def test_on_time_since_is_exactly_the_overdue_boundary(today, target, back):
    submitted = today - timedelta(days=back)
    assert (submitted < on_time_since(today, target)) == is_overdue(
        submitted_on=submitted, today=today, target_days=target
    )
