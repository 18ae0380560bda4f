"""Similar-request suggestions: text similarity among the requests a person may see."""

from apps.requests.selectors import significant_words, similar_requests
from tests.factories import StakeholderRequestFactory


def test_the_closest_title_comes_first_and_unrelated_ones_are_left_out(stakeholder, product):
    StakeholderRequestFactory(product=product, title="Weekly churn forecast for the retail segment")
    best = StakeholderRequestFactory(product=product, title="Churn forecast misses holiday weeks")
    StakeholderRequestFactory(product=product, title="Dark mode for dashboards")
    StakeholderRequestFactory(product=product, title="Invoice export", problem="Exports lack the forecast column")
    matches = similar_requests(stakeholder, product, "churn forecast misses holidays")
    assert matches[0] == best
    assert "Dark mode for dashboards" not in [m.title for m in matches]
    assert matches == sorted(matches, key=lambda m: -m.similarity)


def test_merged_duplicates_are_not_suggested(stakeholder, pm, product):
    kept = StakeholderRequestFactory(product=product, title="Churn forecast misses holiday weeks")
    StakeholderRequestFactory(
        product=product, title="Churn forecast misses holidays", status="duplicate", duplicate_of=kept
    )
    assert similar_requests(stakeholder, product, "churn forecast misses holidays") == [kept]


def test_short_and_common_words_do_not_match_everything(stakeholder, product):
    StakeholderRequestFactory(product=product, title="The way we do it")
    assert significant_words("the a to we need it") == set()
    assert similar_requests(stakeholder, product, "we need the") == []


def test_at_most_five_suggestions(stakeholder, product):
    for index in range(8):
        StakeholderRequestFactory(product=product, title=f"Forecast accuracy dashboard {index}")
    assert len(similar_requests(stakeholder, product, "forecast accuracy dashboard")) == 5
