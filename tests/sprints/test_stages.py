"""Staged data-science sprints: stage templates, stage items, exit criteria."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from apps.core.exceptions import Conflict
from apps.sprints import selectors, services
from apps.sprints.models import ExitCriterion, Sprint, SprintItem, SprintStage, StageTemplate
from apps.sprints.stages import DATA_SCIENCE_STAGES, lay_out
from tests.sprints.conftest import day, finish, on, reload


@pytest.fixture
def staged(product, make_sprint):
    return make_sprint(product, "Churn model", days=28, kind=Sprint.Kind.STAGED)


def test_a_staged_sprint_gets_the_data_science_stages_by_default(staged):
    stages = list(staged.stages.all())
    assert [s.name for s in stages] == ["Data analysis and planning", "Modelling", "Evaluation", "Delivery"]
    assert [(s.start_date, s.end_date) for s in stages] == [
        (day(0), day(6)),
        (day(7), day(13)),
        (day(14), day(20)),
        (day(21), day(27)),
    ]
    assert list(stages[0].exit_criteria.values_list("text", flat=True)) == list(DATA_SCIENCE_STAGES[0].exit_criteria)


def test_the_product_template_replaces_the_default(product, scrum_master, make_sprint):
    services.stage_template_save(
        actor=scrum_master,
        product=product,
        stages=[
            {"name": "Explore", "days": 1, "exit_criteria": "Data understood\n\n  Plan written "},
            {"name": "Build", "days": 3, "goal": "A model"},
        ],
    )
    sprint = make_sprint(product, days=8, kind=Sprint.Kind.STAGED)
    stages = list(sprint.stages.all())
    assert [(s.name, s.start_date, s.end_date) for s in stages] == [
        ("Explore", day(0), day(1)),
        ("Build", day(2), day(7)),
    ]
    assert list(stages[0].exit_criteria.values_list("text", flat=True)) == ["Data understood", "Plan written"]


@pytest.mark.parametrize(
    "stages, message",
    [([], "at least one stage"), ([{"name": "", "days": 2}], "needs a name"), ([{"name": "X", "days": 0}], "one day")],
)
def test_a_bad_template_is_refused_and_the_old_one_kept(product, scrum_master, stages, message):
    StageTemplate.objects.create(product=product, position=0, name="Old", days=5)
    with pytest.raises(ValidationError, match=message):
        services.stage_template_save(actor=scrum_master, product=product, stages=stages)
    assert list(StageTemplate.objects.values_list("name", flat=True)) == ["Old"]


def test_stages_share_odd_lengths_and_never_run_past_the_sprint():
    spans = lay_out([7, 7, 7, 7], day(0), day(9))
    assert spans[0][0] == day(0) and spans[-1][1] == day(9)
    assert all(later[0] == earlier[1] + (day(1) - day(0)) for earlier, later in zip(spans, spans[1:], strict=False))
    assert lay_out([1, 1, 1], day(0), day(1)) == [(day(0), day(0)), (day(1), day(1)), (day(1), day(1))]


def test_first_stage_plans_later_stages_as_part_of_the_commitment(staged, scrum_master, product, make_item):
    first, modelling, *_ = staged.stages.all()
    with on(day(0)):
        services.sprint_item_add(
            actor=scrum_master, sprint=staged, item=make_item(product, "Profile data", 3, status="ready"), stage=first
        )
        services.sprint_start(actor=scrum_master, sprint=staged)
    with on(day(3)):
        planned = services.sprint_item_add(
            actor=scrum_master, sprint=staged, item=make_item(product, "Train GBM", 5, status="ready"), stage=modelling
        )
        extra = services.sprint_item_add(
            actor=scrum_master, sprint=staged, item=make_item(product, "More profiling", 2, status="ready"), stage=first
        )
    assert planned.committed, "planned into a later stage during the first stage"
    assert not extra.committed, "added to the running first stage: scope change"
    services.stage_close(actor=scrum_master, stage=first, override_reason="Good enough", unfinished="sprint")
    with on(day(8)):
        late = services.sprint_item_add(
            actor=scrum_master, sprint=staged, item=make_item(product, "Late idea", 1, status="ready"), stage=modelling
        )
    assert not late.committed
    figures = selectors.sprint_figures(reload(staged))
    assert (figures.committed, figures.added) == (Decimal(3 + 5), Decimal(2 + 1))


def test_closed_stages_take_no_items(staged, scrum_master, product, make_item):
    first = staged.stages.first()
    services.sprint_start(actor=scrum_master, sprint=staged)
    services.stage_close(actor=scrum_master, stage=first, override_reason="Skipped")
    with pytest.raises(ValidationError, match="closed; plan the work into a later stage"):
        services.sprint_item_add(
            actor=scrum_master, sprint=staged, item=make_item(product, points=3, status="ready"), stage=first
        )
    assert not SprintItem.objects.exists()


def test_a_stage_of_another_sprint_is_refused(staged, scrum_master, product, make_item, make_sprint):
    other = make_sprint(product, "Other", start=day(40), kind=Sprint.Kind.STAGED)
    with pytest.raises(ValidationError, match="No such stage"):
        services.sprint_item_add(
            actor=scrum_master,
            sprint=staged,
            item=make_item(product, points=3, status="ready"),
            stage=other.stages.first(),
        )


def test_a_stage_closes_only_with_its_exit_criteria_met_or_a_reason(staged, scrum_master, member):
    first = staged.stages.first()
    services.sprint_start(actor=scrum_master, sprint=staged)
    with pytest.raises(ValidationError) as error:
        services.stage_close(actor=scrum_master, stage=first)
    assert "Data quality checked and documented" in error.value.message_dict["override_reason"][0]
    assert not SprintStage.objects.get(pk=first.pk).is_closed

    for criterion in first.exit_criteria.all():
        services.exit_criterion_set(actor=member, criterion=criterion, met=True)
    closed = services.stage_close(actor=scrum_master, stage=first)
    assert closed.is_closed and closed.override_reason == ""
    assert set(ExitCriterion.objects.filter(stage=first).values_list("met_by", flat=True)) == {member.pk}
    with pytest.raises(ValidationError, match="already closed"):
        services.stage_close(actor=scrum_master, stage=first)
    with pytest.raises(ValidationError, match="final"):
        services.exit_criterion_set(actor=member, criterion=first.exit_criteria.first(), met=False)


def test_an_override_reason_is_kept_with_the_stage(staged, scrum_master):
    first = staged.stages.first()
    services.sprint_start(actor=scrum_master, sprint=staged)
    closed = services.stage_close(actor=scrum_master, stage=first, override_reason="  Access approval slipped  ")
    assert closed.override_reason == "Access approval slipped"


def test_stages_close_in_order_and_only_in_a_running_sprint(staged, scrum_master):
    _, modelling, *_ = staged.stages.all()
    with pytest.raises(ValidationError, match="only a running sprint"):
        services.stage_close(actor=scrum_master, stage=modelling, override_reason="x")
    services.sprint_start(actor=scrum_master, sprint=staged)
    with pytest.raises(ValidationError, match="Close Data analysis and planning first"):
        services.stage_close(actor=scrum_master, stage=modelling, override_reason="x")


def test_a_staged_sprint_closes_only_after_its_stages(staged, scrum_master):
    services.sprint_start(actor=scrum_master, sprint=staged)
    with pytest.raises(ValidationError, match="Close every stage first"):
        services.sprint_close(actor=scrum_master, sprint=staged, decisions={})
    for stage in staged.stages.all():
        services.stage_close(actor=scrum_master, stage=stage, override_reason="Demo")
    assert services.sprint_close(actor=scrum_master, sprint=staged, decisions={})[0].is_closed


def test_stage_burndown_covers_its_own_items_and_dates_and_freezes_at_close(staged, scrum_master, product, make_item):
    first, modelling, *_ = staged.stages.all()
    with on(day(0)):
        profile = make_item(product, "Profile", 3, status="ready")
        train = make_item(product, "Train", 5, status="ready")
        services.sprint_item_add(actor=scrum_master, sprint=staged, item=profile, stage=first)
        services.sprint_item_add(actor=scrum_master, sprint=staged, item=train, stage=modelling)
        services.sprint_start(actor=scrum_master, sprint=staged)
    with on(day(2)):
        finish(scrum_master, profile)
    with on(day(6), 18):
        stage = SprintStage.objects.get(pk=first.pk)
        chart = selectors.stage_burndown(stage)
        assert chart["days"][0] == "2026-03-02" and chart["days"][-1] == "2026-03-08"
        assert chart["remaining"] == [3, 3, 0, 0, 0, 0, 0]
        services.stage_close(actor=scrum_master, stage=stage, override_reason="Done early")
    with on(day(7)):
        # Moving its item on would change a live replay; the closed stage keeps its chart.
        services.sprint_item_assign_stage(
            actor=scrum_master, entry=SprintItem.objects.get(item=profile), stage=modelling
        )
    assert selectors.stage_burndown(SprintStage.objects.get(pk=first.pk))["remaining"] == [3, 3, 0, 0, 0, 0, 0]


def test_stage_dates_stay_inside_the_sprint_and_in_order(staged, scrum_master):
    first, modelling, *_ = staged.stages.all()
    with pytest.raises(ValidationError, match="within its sprint"):
        services.stage_update(actor=scrum_master, stage=first, name="A", goal="", start_date=day(-1), end_date=day(3))
    with pytest.raises(ValidationError, match="Ends after Modelling starts"):
        services.stage_update(actor=scrum_master, stage=first, name="A", goal="", start_date=day(0), end_date=day(8))
    services.stage_update(actor=scrum_master, stage=first, name="Explore", goal="", start_date=day(0), end_date=day(4))
    assert SprintStage.objects.get(pk=first.pk).name == "Explore"


def test_moving_a_planned_staged_sprint_moves_its_stages(staged, scrum_master):
    services.sprint_update(actor=scrum_master, sprint=staged, start_date=day(7), end_date=day(34))
    assert [(s.start_date, s.end_date) for s in staged.stages.all()][0] == (day(7), day(13))
    assert staged.stages.last().end_date == day(34)


def test_a_stale_stage_edit_is_refused_and_changes_nothing(staged, scrum_master):
    first = staged.stages.first()
    assert first.version == 1
    changed = services.stage_update(
        actor=scrum_master, stage=first, name="Explore", goal="", start_date=day(0), end_date=day(4), expected_version=1
    )
    assert changed.version == 2
    with pytest.raises(Conflict, match="Explore was changed by someone else"):
        services.stage_update(
            actor=scrum_master,
            stage=first,
            name="Mine",
            goal="",
            start_date=day(0),
            end_date=day(5),
            expected_version=1,
        )
    assert SprintStage.objects.get(pk=first.pk).name == "Explore"


def test_moving_the_sprint_makes_open_stages_newer(staged, scrum_master):
    first = staged.stages.first()
    services.sprint_update(actor=scrum_master, sprint=staged, start_date=day(7), end_date=day(34))
    with pytest.raises(Conflict):
        services.stage_update(
            actor=scrum_master,
            stage=first,
            name="Mine",
            goal="",
            start_date=day(7),
            end_date=day(9),
            expected_version=1,
        )
