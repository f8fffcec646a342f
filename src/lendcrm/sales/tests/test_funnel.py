"""Conversion analysis: the pure funnel against hand-computed figures, the scoped report, export."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest
from django.test import Client

from lendcrm.audit.models import AuditEvent
from lendcrm.leads.choices import LeadStatus
from lendcrm.leads.models import Lead
from lendcrm.sales.conversion import FunnelFilters, build_report
from lendcrm.sales.funnel import LeadPath, StagePeriod, build_funnel
from lendcrm.sales.services.pipeline import move_lead_stage
from lendcrm.sales.tests.conftest import T0, Org

S = LeadStatus
HOUR = 3600


def _path(group: str, *stages: str) -> LeadPath:
    return LeadPath(group=group, stages=frozenset(stages))


def test_the_funnel_counts_rates_and_medians_match_a_hand_computed_example() -> None:
    paths = [
        _path("一组", S.NEW),
        _path("一组", S.NEW, S.CONTACTED),
        _path("一组", S.NEW, S.CONTACTED, S.INTERESTED),
        _path("二组", S.NEW, S.CONTACTED, S.INTERESTED, S.PREPARING, S.APPLIED, S.DISBURSED),
        _path("二组", S.NEW, S.CONTACTED, S.REJECTED),
    ]
    periods = [
        StagePeriod(S.NEW, 1 * HOUR),
        StagePeriod(S.NEW, 2 * HOUR),
        StagePeriod(S.NEW, 5 * HOUR),
        StagePeriod(S.CONTACTED, 1 * HOUR),
        StagePeriod(S.CONTACTED, 4 * HOUR),
        StagePeriod(S.INTERESTED, HOUR // 2),
    ]

    report = build_funnel(paths, periods)

    assert report.overall.reached == (5, 4, 2, 1, 1, 1)
    assert report.overall.rates == (None, 0.8, 0.5, 0.5, 1.0, 1.0)
    assert report.overall.rejected == 1
    assert report.overall.overall_rate == 0.2
    assert report.median_hours == (2.0, 2.5, 0.5, None, None, None)
    assert [(g.group, g.reached) for g in report.groups] == [
        ("一组", (3, 2, 1, 0, 0, 0)),
        ("二组", (2, 2, 1, 1, 1, 1)),
    ]
    assert report.groups[0].rates == (None, round(2 / 3, 4), 0.5, 0.0, None, None)


def test_a_lead_moved_back_still_counts_for_the_furthest_stage_it_reached() -> None:
    report = build_funnel([_path("", S.NEW, S.CONTACTED, S.INTERESTED, S.PREPARING)], [])

    assert report.overall.reached == (1, 1, 1, 1, 0, 0)


@pytest.mark.django_db
def test_the_report_reads_the_stage_history_within_the_users_scope(
    org: Org, make_lead: Callable[..., Lead], frozen: Callable[[datetime], None]
) -> None:
    leads = [make_lead(org.rep) for _ in range(3)]
    make_lead(org.other_rep)
    Lead.objects.update(created_at=T0)
    for lead in leads:
        lead.refresh_from_db()
    frozen(T0 + timedelta(hours=2))
    move_lead_stage(leads[0], to=S.CONTACTED, acting_user=org.rep)
    move_lead_stage(leads[1], to=S.CONTACTED, acting_user=org.rep)
    frozen(T0 + timedelta(hours=6))
    move_lead_stage(leads[0], to=S.INTERESTED, acting_user=org.rep)
    filters = FunnelFilters(date_from=date(2024, 5, 1), date_to=date(2024, 5, 31))

    mine = build_report(org.rep, filters)
    theirs = build_report(org.other_rep, filters)

    assert mine.overall.reached == (3, 2, 1, 0, 0, 0)
    assert mine.overall.rates[1:3] == (round(2 / 3, 4), 0.5)
    assert mine.median_hours[:2] == (2.0, 4.0)
    assert theirs.overall.reached == (1, 0, 0, 0, 0, 0)


@pytest.mark.django_db
def test_the_funnel_page_and_the_audited_csv_export(
    org: Org, make_lead: Callable[..., Lead], frozen: Callable[[datetime], None]
) -> None:
    lead = make_lead(org.rep)
    make_lead(org.other_rep)
    Lead.objects.update(created_at=T0)
    manager, rep = Client(), Client()
    manager.force_login(org.manager)
    rep.force_login(org.rep)
    query = "date_from=2024-05-01&date_to=2024-05-31&group_by=owner"

    page = manager.get(f"/sales/funnel/?{query}")
    export = manager.get(f"/sales/funnel/export.csv?{query}")
    refused = rep.get(f"/sales/funnel/export.csv?{query}")

    assert page.status_code == 200
    assert 'id="funnel-data"' in page.content.decode()
    assert export.status_code == 200
    lines = export.content.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 2
    assert lines[1].startswith(f"{lead.pk},{lead.name},")
    event = AuditEvent.objects.get(action="sales.funnel_exported")
    assert event.metadata["row_count"] == 1
    assert event.metadata["filters"]["group_by"] == "owner"
    assert refused.status_code == 403
