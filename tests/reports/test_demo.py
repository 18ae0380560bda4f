from apps.reports import demo
from apps.reports.models import HappinessReport, Survey, SurveyAnswer, SurveyRound


def test_demo_data_gives_each_product_reports_and_is_idempotent(product, other_product, pm, member):
    people = {"pia": pm, "tara": member}
    demo.seed(products=[product, other_product], people=people)
    demo.seed(products=[product, other_product], people=people)
    assert Survey.objects.count() == 2
    assert SurveyRound.objects.filter(status="closed").count() == 4
    reports = HappinessReport.objects.filter(round__survey__product=product).order_by("round__number")
    first, second = reports
    assert first.figures["overall"]["enough"] and first.figures["responses"] >= 5
    assert second.figures["changes"] and second.figures["follow_up"]
    assert first.action_items.count() == 1
    assert (
        SurveyAnswer.objects.filter(round__survey__product=product).count()
        == first.figures["responses"] + (second.figures["responses"])
    )
