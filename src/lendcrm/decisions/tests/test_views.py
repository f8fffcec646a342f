"""Strategy pages: permissions, the editors' messages with positions, read-only versions,
lifecycle buttons (maker-checker), the diff page and the test panel."""

from __future__ import annotations

import copy
import itertools
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from lendcrm.decisions.choices import StrategyVersionStatus
from lendcrm.decisions.models import Strategy, StrategyVersion
from lendcrm.identity.choices import Role
from lendcrm.identity.models import User

pytestmark = pytest.mark.django_db
_seq = itertools.count(1)

DEFINITION: dict[str, Any] = {
    "format": "lendcrm-strategy",
    "format_version": 1,
    "inputs": [
        {"name": "age", "type": "number", "required": True, "on_missing": "manual_review"},
        {"name": "monthly_income", "type": "number", "required": True, "on_missing": "reject"},
        {
            "name": "monthly_debt",
            "type": "number",
            "required": False,
            "on_missing": "manual_review",
        },
    ],
    "steps": [
        {
            "key": "hard",
            "type": "hard_rules",
            "table": {
                "hitPolicy": "collect",
                "inputs": [{"id": "c_age", "name": "年龄", "field": "age"}],
                "outputs": [
                    {"id": "c_reason", "name": "原因码", "field": "reason_code"},
                    {"id": "c_action", "name": "动作", "field": "action"},
                ],
                "rules": [
                    {
                        "_id": "too_young",
                        "c_age": "< 22",
                        "c_reason": '"HR01"',
                        "c_action": '"decline"',
                    },
                    {
                        "_id": "too_old",
                        "c_age": "> 60",
                        "c_reason": '"HR02"',
                        "c_action": '"decline"',
                    },
                ],
            },
        },
        {
            "key": "features",
            "type": "expressions",
            "expressions": [{"id": "e1", "key": "dti", "value": "monthly_debt / monthly_income"}],
        },
        {
            "key": "matrix",
            "type": "decision_matrix",
            "table": {
                "hitPolicy": "first",
                "inputs": [
                    {"id": "m_income", "name": "月收入", "field": "monthly_income"},
                    {"id": "m_dti", "name": "负债比", "field": "dti"},
                ],
                "outputs": [
                    {"id": "m_outcome", "name": "结果", "field": "outcome"},
                    {"id": "m_limit", "name": "额度", "field": "limit"},
                    {"id": "m_tier", "name": "档位", "field": "pricing_tier"},
                ],
                "rules": [
                    {
                        "_id": "good",
                        "m_income": ">= 8000",
                        "m_dti": "< 0.5",
                        "m_outcome": '"approve"',
                        "m_limit": "50000",
                        "m_tier": '"A"',
                    },
                    {
                        "_id": "thin",
                        "m_income": "[3000..8000)",
                        "m_dti": "",
                        "m_outcome": '"manual_review"',
                        "m_limit": "10000",
                        "m_tier": '"C"',
                    },
                    {
                        "_id": "rest",
                        "m_income": "",
                        "m_dti": "",
                        "m_outcome": '"decline"',
                        "m_limit": "0",
                        "m_tier": '""',
                    },
                ],
            },
        },
    ],
}


def make_user(role: Role) -> User:
    user = User.objects.create_user(username=f"dec{next(_seq)}", password="x-password-123")
    group, _ = Group.objects.get_or_create(name=role.value)
    user.groups.add(group)
    return user


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def make_draft(author: User, definition: dict[str, Any] | None = None) -> StrategyVersion:
    strategy = Strategy.objects.create(
        code=f"pre-screen-{next(_seq)}", name="现金贷预审", product_code="CASH", created_by=author
    )
    return StrategyVersion.objects.create(
        strategy=strategy,
        number=1,
        definition=copy.deepcopy(definition or DEFINITION),
        author=author,
    )


def _table_post(version: StrategyVersion, index: int, **changes: str) -> dict[str, str]:
    """The editor's fields for a table step as the page renders them, with changes."""
    table = version.definition["steps"][index]["table"]
    data = {
        "hit_policy": table["hitPolicy"],
        "in_count": str(len(table["inputs"])),
        "out_count": str(len(table["outputs"])),
        "row_count": str(len(table["rules"])),
    }
    for kind, columns in (("in", table["inputs"]), ("out", table["outputs"])):
        for i, column in enumerate(columns):
            data |= {f"{kind}-{i}-id": column["id"], f"{kind}-{i}-name": column["name"]}
            data[f"{kind}-{i}-field"] = column["field"]
    for r, rule in enumerate(table["rules"]):
        data[f"row-{r}-id"] = rule["_id"]
        for i, column in enumerate(table["inputs"]):
            data[f"cell-{r}-in-{i}"] = rule[column["id"]]
        for j, column in enumerate(table["outputs"]):
            data[f"cell-{r}-out-{j}"] = rule[column["id"]]
    return data | changes


def test_a_sales_rep_is_refused_every_strategy_page() -> None:
    analyst = make_user(Role.RISK_ANALYST)
    version = make_draft(analyst)
    client = signed_in(make_user(Role.SALES))

    for url in (
        reverse("decisions:strategies"),
        reverse("decisions:version", args=[version.pk]),
        reverse("decisions:table_edit", args=[version.pk, 0]),
    ):
        assert client.get(url).status_code in (302, 403), url
    response = client.post(reverse("decisions:submit", args=[version.pk]))
    assert response.status_code in (302, 403)
    version.refresh_from_db()
    assert version.status == StrategyVersionStatus.DRAFT


def test_the_version_page_shows_every_step_and_edit_links_for_a_draft() -> None:
    analyst = make_user(Role.RISK_ANALYST)
    version = make_draft(analyst)

    page = signed_in(analyst).get(reverse("decisions:version", args=[version.pk])).content.decode()

    assert 'data-step="hard"' in page
    assert 'data-step="features"' in page
    assert 'data-step="matrix"' in page
    assert "[3000..8000)" in page
    assert "dti = monthly_debt / monthly_income" in page
    assert 'data-edit-step="hard"' in page
    assert 'id="submit-version"' in page
    assert 'id="approve-version"' not in page


def test_saving_a_changed_cell_updates_the_draft() -> None:
    analyst = make_user(Role.RISK_ANALYST)
    version = make_draft(analyst)
    data = _table_post(version, 0, **{"cell-0-in-0": "< 23", "op": "save"})

    response = signed_in(analyst).post(reverse("decisions:table_edit", args=[version.pk, 0]), data)

    assert response.status_code == 302
    version.refresh_from_db()
    assert version.definition["steps"][0]["table"]["rules"][0]["c_age"] == "< 23"


def test_a_malformed_cell_is_shown_at_its_row_and_column_and_nothing_is_saved() -> None:
    analyst = make_user(Role.RISK_ANALYST)
    version = make_draft(analyst)
    data = _table_post(version, 0, **{"cell-1-in-0": "[22..", "op": "save"})

    response = signed_in(analyst).post(reverse("decisions:table_edit", args=[version.pk, 0]), data)

    page = response.content.decode()
    assert response.status_code == 400
    assert "第 2 行 · 条件列 1" in page
    assert 'data-cell="1-in-0" aria-label' in page
    assert 'aria-invalid="true"' in page
    version.refresh_from_db()
    assert version.definition == DEFINITION


def test_the_services_problems_are_placed_on_the_grid() -> None:
    """An action the hard-rules step does not allow is caught by the strategy services."""
    analyst = make_user(Role.RISK_ANALYST)
    version = make_draft(analyst)
    data = _table_post(version, 0, **{"cell-0-out-1": '"approve"', "op": "save"})

    response = signed_in(analyst).post(reverse("decisions:table_edit", args=[version.pk, 0]), data)

    page = response.content.decode()
    assert response.status_code == 400
    assert "第 1 行 · 结果列 2" in page


def test_row_and_column_operations_rerender_the_grid_without_saving() -> None:
    analyst = make_user(Role.RISK_ANALYST)
    version = make_draft(analyst)
    client = signed_in(analyst)
    url = reverse("decisions:table_edit", args=[version.pk, 0])

    added = client.post(url, _table_post(version, 0, op="add_row:0"), HTTP_HX_REQUEST="true")
    column = client.post(url, _table_post(version, 0, op="add_in"), HTTP_HX_REQUEST="true")

    assert added.status_code == 200
    assert added.content.decode().count('name="row-') == 2 * 3  # id and description per row
    assert "<html" not in added.content.decode()
    assert 'name="in-1-field"' in column.content.decode()
    version.refresh_from_db()
    assert version.definition == DEFINITION


def test_expression_problems_name_their_line() -> None:
    analyst = make_user(Role.RISK_ANALYST)
    version = make_draft(analyst)
    url = reverse("decisions:expressions_edit", args=[version.pk, 1])

    response = signed_in(analyst).post(url, {"expressions": "dti = monthly_debt /\nok = 1"})

    assert response.status_code == 400
    assert "第 1 行" in response.content.decode()


def test_declared_inputs_are_edited() -> None:
    analyst = make_user(Role.RISK_ANALYST)
    version = make_draft(analyst)
    data = {"input_count": "3", "op": "save"}
    for i, spec in enumerate(DEFINITION["inputs"]):
        data |= {f"input-{i}-name": spec["name"], f"input-{i}-type": spec["type"]}
        data[f"input-{i}-on_missing"] = spec["on_missing"]
    data["input-2-on_missing"] = "reject"

    response = signed_in(analyst).post(reverse("decisions:inputs_edit", args=[version.pk]), data)

    assert response.status_code == 302
    version.refresh_from_db()
    assert version.definition["inputs"][2] == {
        "name": "monthly_debt",
        "type": "number",
        "required": False,
        "on_missing": "reject",
    }


def test_a_published_version_is_read_only() -> None:
    analyst = make_user(Role.RISK_ANALYST)
    version = make_draft(analyst)
    StrategyVersion.objects.filter(pk=version.pk).update(status=StrategyVersionStatus.PUBLISHED)
    client = signed_in(analyst)

    page = client.get(reverse("decisions:version", args=[version.pk])).content.decode()
    edit = client.get(reverse("decisions:table_edit", args=[version.pk, 0]))

    assert "data-edit-step" not in page
    assert 'id="submit-version"' not in page
    assert 'id="new-draft"' in page
    assert edit.status_code == 404


def _submitted(author: User) -> StrategyVersion:
    version = make_draft(author)
    signed_in(author).post(reverse("decisions:submit", args=[version.pk]))
    version.refresh_from_db()
    return version


def test_the_author_sees_no_approve_button_and_the_service_refuses_them() -> None:
    author = make_user(Role.RISK_ANALYST)
    version = _submitted(author)
    client = signed_in(author)

    page = client.get(reverse("decisions:version", args=[version.pk])).content.decode()
    response = client.post(reverse("decisions:approve", args=[version.pk]), follow=True)

    assert version.status == StrategyVersionStatus.SUBMITTED
    assert 'id="approve-version"' not in page
    assert "不能复核自己的版本" in response.content.decode()
    version.refresh_from_db()
    assert version.status == StrategyVersionStatus.SUBMITTED


def test_a_second_analyst_approves_and_publishes_then_rolls_back() -> None:
    author = make_user(Role.RISK_ANALYST)
    checker = signed_in(make_user(Role.RISK_ANALYST))
    first = _submitted(author)
    checker.post(reverse("decisions:approve", args=[first.pk]))
    checker.post(reverse("decisions:publish", args=[first.pk]))
    signed_in(author).post(reverse("decisions:new_draft", args=[first.pk]))
    second = StrategyVersion.objects.get(strategy=first.strategy, number=2)
    signed_in(author).post(reverse("decisions:submit", args=[second.pk]))
    page = checker.get(reverse("decisions:version", args=[second.pk])).content.decode()
    checker.post(reverse("decisions:approve", args=[second.pk]))
    checker.post(reverse("decisions:publish", args=[second.pk]))

    first.refresh_from_db()
    assert 'id="approve-version"' in page
    assert first.status == StrategyVersionStatus.RETIRED
    strategy_page = checker.get(reverse("decisions:strategy", args=[first.strategy_id]))
    assert "回滚到此版本" in strategy_page.content.decode()
    checker.post(reverse("decisions:publish", args=[first.pk]))
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == StrategyVersionStatus.PUBLISHED
    assert second.status == StrategyVersionStatus.RETIRED


def test_the_diff_page_highlights_added_removed_and_changed_rows() -> None:
    author = make_user(Role.RISK_ANALYST)
    first = make_draft(author)
    definition = copy.deepcopy(DEFINITION)
    rules = definition["steps"][0]["table"]["rules"]
    rules[0]["c_age"] = "< 23"
    rules.pop(1)
    rules.append(
        {"_id": "student", "c_age": "< 25", "c_reason": '"HR09"', "c_action": '"manual_review"'}
    )
    StrategyVersion.objects.create(
        strategy=first.strategy, number=2, definition=definition, author=author
    )

    response = signed_in(author).get(
        reverse("decisions:diff", args=[first.strategy_id]), {"a": 1, "b": 2}
    )

    page = response.content.decode()
    assert 'data-diff-step="hard" data-status="changed"' in page
    assert 'data-diff-row="too_young" data-status="changed"' in page
    assert '<del class="text-danger">&lt; 22</del> <ins class="text-success">&lt; 23</ins>' in page
    assert 'data-diff-row="student" data-status="added"' in page
    assert 'data-diff-row="too_old" data-status="removed"' in page
    assert 'data-diff-step="matrix"' not in page


def test_the_test_panel_shows_every_step_of_a_draft() -> None:
    analyst = make_user(Role.RISK_ANALYST)
    version = make_draft(analyst)
    sample = '{"age": 20, "monthly_income": 9000, "monthly_debt": 1800}'

    response = signed_in(analyst).post(
        reverse("decisions:test_panel", args=[version.pk]), {"sample": sample}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-outcome="decline"' in page
    assert "HR01" in page
    assert 'data-trace-step="features"' in page
    assert "0.2" in page  # dti = 1800 / 9000
    assert "命中第 1 行" in page


def test_the_test_panel_prefills_the_declared_inputs_and_reports_bad_json() -> None:
    analyst = make_user(Role.RISK_ANALYST)
    version = make_draft(analyst)
    client = signed_in(analyst)
    url = reverse("decisions:test_panel", args=[version.pk])

    page = client.get(url).content.decode()
    bad = client.post(url, {"sample": "{age: 1"})

    assert "&quot;monthly_income&quot;: 0" in page
    assert bad.status_code == 400
    assert "不是有效的 JSON" in bad.content.decode()


def test_the_strategy_pages_render() -> None:
    analyst = make_user(Role.RISK_ANALYST)
    version = make_draft(analyst)
    client = signed_in(analyst)

    for url in (
        reverse("decisions:strategies"),
        reverse("decisions:strategy", args=[version.strategy_id]),
        reverse("decisions:report", args=[version.strategy_id]),
        reverse("decisions:simulations", args=[version.strategy_id]),
        reverse("decisions:inputs_edit", args=[version.pk]),
        reverse("decisions:expressions_edit", args=[version.pk, 1]),
        reverse("decisions:table_edit", args=[version.pk, 2]),
    ):
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("decisions:table_edit", args=[version.pk, 1])).status_code == 404


def test_a_new_strategy_starts_with_a_valid_draft() -> None:
    analyst = make_user(Role.RISK_ANALYST)
    client = signed_in(analyst)
    data = {"code": "cash-v2", "name": "现金贷预审二期", "product_code": "CASH"}

    response = client.post(reverse("decisions:strategy_new"), data)
    duplicate = client.post(reverse("decisions:strategy_new"), data)

    draft = StrategyVersion.objects.get(strategy__code="cash-v2")
    assert response["Location"] == reverse("decisions:version", args=[draft.pk])
    assert draft.status == StrategyVersionStatus.DRAFT
    assert duplicate.status_code == 400
    assert "策略编码已存在" in duplicate.content.decode()


def test_the_checker_returns_a_submitted_version_to_its_author() -> None:
    author = make_user(Role.RISK_ANALYST)
    version = _submitted(author)
    checker = signed_in(make_user(Role.RISK_ANALYST))

    page = checker.get(reverse("decisions:version", args=[version.pk])).content.decode()
    checker.post(reverse("decisions:return", args=[version.pk]))

    assert 'id="return-version"' in page
    version.refresh_from_db()
    assert version.status == StrategyVersionStatus.DRAFT


def test_the_test_panel_builds_the_input_from_an_application() -> None:
    from lendcrm.decisions.tests.test_reports import _application

    analyst = make_user(Role.RISK_ANALYST)
    version = make_draft(analyst)
    application = _application()
    type(application.customer).objects.filter(pk=application.customer_id).update(
        monthly_income=9000
    )

    response = signed_in(analyst).post(
        reverse("decisions:test_panel", args=[version.pk]),
        {"sample": "{}", "application_id": application.pk},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="decision-trace"' in page
    assert '<th scope="row">monthly_income</th><td>9000' in page
    assert '<th scope="row">monthly_debt</th><td>null' in page


def test_steps_are_added_moved_and_removed_in_a_draft() -> None:
    analyst = make_user(Role.RISK_ANALYST)
    version = make_draft(analyst)
    client = signed_in(analyst)
    url = reverse("decisions:steps_edit", args=[version.pk])

    client.post(url, {"op": "add:hard_rules"})
    version.refresh_from_db()
    added = [s["key"] for s in version.definition["steps"]]
    client.post(url, {"op": "up:2"})
    client.post(url, {"op": "remove:0"})
    client.post(url, {"op": "remove:2"})  # the decision matrix stays

    version.refresh_from_db()
    assert added == ["hard", "features", "rules1", "matrix"]
    assert [s["key"] for s in version.definition["steps"]] == ["rules1", "features", "matrix"]


def test_a_viewer_sees_strategies_without_authoring_links() -> None:
    version = make_draft(make_user(Role.RISK_ANALYST))
    reviewer = signed_in(make_user(Role.REVIEWER))  # decisions.view only

    page = reviewer.get(reverse("decisions:version", args=[version.pk])).content.decode()
    strategy = reviewer.get(reverse("decisions:strategy", args=[version.strategy_id]))
    panel = reviewer.get(reverse("decisions:test_panel", args=[version.pk]))

    for link in ('id="open-test-panel"', 'id="new-draft"', "data-edit-step", 'id="add-step"'):
        assert link not in page
    assert reverse("decisions:simulations", args=[version.strategy_id]) not in (
        strategy.content.decode()
    )
    assert panel.status_code in (302, 403)


def test_the_strategy_list_runs_a_fixed_number_of_queries(
    django_assert_num_queries: Any,
) -> None:
    analyst = make_user(Role.RISK_ANALYST)
    for _n in range(3):
        make_draft(analyst)
    client = signed_in(analyst)
    client.get(reverse("decisions:strategies"))  # warm the session and role caches

    # session, user, roles (2), strategies with version counts, deployments
    with django_assert_num_queries(6):
        response = client.get(reverse("decisions:strategies"))

    assert response.content.decode().count("data-strategy=") == 3


def test_a_scorecard_step_is_added_and_pointed_at_another_version() -> None:
    from lendcrm.scoring.models import ScorecardModel, ScorecardVersion

    analyst = make_user(Role.RISK_ANALYST)
    version = make_draft(analyst)
    model = ScorecardModel.objects.create(name="申请评分卡E")
    cards = [
        ScorecardVersion.objects.create(
            model=model, number=n, status="approved", card={}, created_by=analyst
        )
        for n in (1, 2)
    ]
    client = signed_in(analyst)
    url = reverse("decisions:steps_edit", args=[version.pk])

    page = client.get(reverse("decisions:version", args=[version.pk])).content.decode()
    client.post(url, {"op": "add:scorecard", "scorecard_version": cards[0].pk})
    client.post(url, {"op": "scorecard:2", "scorecard_version": cards[1].pk})

    version.refresh_from_db()
    assert 'id="add-scorecard-step"' in page
    assert version.definition["steps"][2] == {
        "key": "score1",
        "type": "scorecard",
        "scorecard_version": cards[1].pk,
    }
