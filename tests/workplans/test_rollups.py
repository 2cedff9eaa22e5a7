"""Roll-ups and GCM coverage equal the figures worked out by hand for the fixture plan
(tests/workplans/conftest.py)."""

from decimal import Decimal

from django.urls import reverse

from networks.scoping import network_scope
from workplans import selectors

D = Decimal


def test_the_tree_rolls_up_status_budget_and_progress(kyrgyzstan, plan):
    with network_scope(kyrgyzstan.network):
        tree = selectors.workplan_tree(plan["plan"])
    one, two = tree.outcomes
    out11, out12 = one.output_list
    [out21] = two.output_list
    progress = {a.code: a.progress for a in tree.activities}
    # A: 0→10, latest actual 5 → 50 %. B completed → 100 %. D: (12-10)/(20-10)=20 % and
    # 0/4 → 0 %, mean 10 %.
    assert progress == {"A": 50, "B": 100, "C": 0, "D": 10}

    assert (out11.rollup.activities, out11.rollup.by_status) == (
        2,
        {"on_track": 1, "completed": 1},
    )
    assert (out11.rollup.required, out11.rollup.available, out11.rollup.spent) == (
        D("15000"),
        D("11000"),
        D("7300"),  # A's 2,500 from its Q3 update + B's 4,800
    )
    assert (out11.rollup.to_be_mobilised, out11.rollup.progress) == (D("4000"), 75)
    # A cancelled activity is counted but adds no budget and no progress.
    assert (out12.rollup.activities, out12.rollup.required, out12.rollup.progress) == (
        1,
        D("0"),
        0,
    )
    assert (one.rollup.activities, one.rollup.required, one.rollup.progress) == (
        3,
        D("15000"),
        75,
    )
    assert (out21.rollup.to_be_mobilised, two.rollup.spent, two.rollup.progress) == (
        D("15000"),
        D("1000"),
        10,
    )
    total = tree.total
    assert (total.activities, total.required, total.available, total.spent) == (
        4,
        D("35000"),
        D("16000"),
        D("8300"),
    )
    assert (total.to_be_mobilised, total.progress) == (D("19000"), 53)  # (50+100+10)/3
    assert total.by_status == {"on_track": 1, "completed": 1, "cancelled": 1, "delayed": 1}


def test_coverage_counts_each_tagged_activity_under_every_objective(kyrgyzstan, plan):
    with network_scope(kyrgyzstan.network):
        tree = selectors.workplan_tree(plan["plan"])
        rows = {row.objective.number: row for row in selectors.coverage(tree.activities)}
    assert len(rows) == 23
    # Objective 2: A only (C is cancelled). Objective 6: A and B.
    two, six = rows[2], rows[6]
    assert (two.activities, two.required, two.available, two.spent, two.completed) == (
        1,
        D("10000"),
        D("6000"),
        D("2500"),
        0,
    )
    assert (six.activities, six.required, six.available, six.spent, six.completed) == (
        2,
        D("15000"),
        D("11000"),
        D("7300"),
        1,
    )
    assert six.to_be_mobilised == D("4000")
    assert sum(row.activities for number, row in rows.items() if number not in (2, 6)) == 0


def test_the_pages_show_the_computed_figures(kyrgyzstan, plan, login):
    client = login(kyrgyzstan.rco)
    slug = kyrgyzstan.network.slug
    page = client.get(
        reverse("workplans:detail", kwargs={"network": slug, "workplan_id": plan["plan"].pk})
    ).content.decode()
    assert "35,000.00 USD" in page and "19,000.00 USD" in page and "53%" in page
    coverage = client.get(
        reverse("workplans:coverage", kwargs={"network": slug, "workplan_id": plan["plan"].pk})
    ).content.decode()
    assert "15,000.00" in coverage and "7,300.00" in coverage
    assert "1 activity has no GCM objective." in coverage
