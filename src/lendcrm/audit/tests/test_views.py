"""The auditor's pages: who may open them, what they show, filters, paging and the CSV export."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lendcrm.audit import queries
from lendcrm.audit.models import AuditEvent
from lendcrm.audit.services import record_change, record_event, snapshot
from lendcrm.audit.tests.helpers import append_events, event_trigger_disabled, raw_sql
from lendcrm.core import clock
from lendcrm.customers.tests.factories import CustomerFactory, valid_id_number
from lendcrm.identity.models import User

pytestmark = pytest.mark.django_db
Login = Callable[[User], Client]


def export_csv(client: Client, **filters: str) -> list[list[str]]:
    response = client.post(reverse("audit:export"), filters)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    return list(csv.reader(io.StringIO(text)))


def listed_sequences(response: object) -> list[int]:
    page = response.context["page"]  # type: ignore[attr-defined]
    return [event.sequence for event in page.events]


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("audit:events", {}),
        ("audit:event", {"sequence": 1}),
        ("audit:event_verify", {"sequence": 1}),
    ],
)
def test_a_sales_user_is_refused_every_audit_page(
    login: Login, sales: User, name: str, kwargs: dict[str, int]
) -> None:
    append_events(1)

    response = login(sales).get(reverse(name, kwargs=kwargs))

    assert response.status_code == 403


def test_the_export_button_shows_only_for_roles_that_may_export(
    login: Login, auditor: User, admin_user: User
) -> None:
    append_events(1)

    for_auditor = login(auditor).get(reverse("audit:events")).content.decode()
    for_admin = login(admin_user).get(reverse("audit:events")).content.decode()

    assert reverse("audit:export") in for_auditor
    assert reverse("audit:export") not in for_admin


def test_a_sales_user_cannot_export(login: Login, sales: User) -> None:
    assert login(sales).post(reverse("audit:export")).status_code == 403


def test_an_anonymous_visitor_is_sent_to_the_login_page(client: Client) -> None:
    response = client.get(reverse("audit:events"))

    assert response.status_code == 302
    assert reverse("ui:login") in response["Location"]


def test_the_auditor_sees_the_newest_events_first(login: Login, auditor: User) -> None:
    record_event(
        "customer.viewed", username="sales_b", object_type="customers.customer", object_id="9"
    )
    record_event("loan.disbursed", username="ops", object_type="loans.loan", object_id="3")

    response = login(auditor).get(reverse("audit:events"))

    assert response.status_code == 200
    assert listed_sequences(response) == [2, 1]
    html = response.content.decode()
    assert "loan.disbursed" in html
    assert "sales_b" in html
    assert html.index("loan.disbursed") < html.index("customer.viewed")


def test_the_list_page_reads_the_log_with_one_query(login: Login, auditor: User) -> None:
    client = login(auditor)
    append_events(queries.PAGE_SIZE * 3)

    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("audit:events"), {"before": 120})

    reads = [q["sql"] for q in captured.captured_queries if "audit_auditevent" in q["sql"]]
    assert len(reads) == 1
    assert "COUNT" not in reads[0].upper()
    assert "OFFSET" not in reads[0].upper()
    assert listed_sequences(response) == list(range(119, 69, -1))


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"actor": "alice"}, [3, 1]),
        ({"action": "customer.updated"}, [2, 1]),
        ({"action": "customer.*"}, [2, 1]),
        ({"object_type": "loans.loan"}, [3]),
        ({"object_type": "customers.customer", "object_id": "5"}, [2]),
        ({"ip": "198.51.100.7"}, [3]),
        ({"actor": "alice", "action": "customer.updated"}, [1]),
    ],
)
def test_filters_narrow_the_list(
    login: Login, auditor: User, filters: dict[str, str], expected: list[int]
) -> None:
    record_event(
        "customer.updated", username="alice", object_type="customers.customer", object_id="4"
    )
    record_event(
        "customer.updated", username="bob", object_type="customers.customer", object_id="5"
    )
    record_event(
        "loan.disbursed",
        username="alice",
        object_type="loans.loan",
        object_id="4",
        ip_address="198.51.100.7",
    )

    response = login(auditor).get(reverse("audit:events"), filters)

    assert listed_sequences(response) == expected


def test_the_date_range_is_inclusive_in_local_time(
    login: Login, auditor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 2025-03-01 23:30 in Shanghai is 15:30 UTC on the same day.
    for moment in (
        datetime(2025, 2, 28, 15, 59, tzinfo=UTC),
        datetime(2025, 2, 28, 16, 0, tzinfo=UTC),
        datetime(2025, 3, 1, 15, 30, tzinfo=UTC),
        datetime(2025, 3, 1, 16, 0, tzinfo=UTC),
    ):
        monkeypatch.setattr(clock, "now", lambda moment=moment: moment)
        record_event("test.dated")

    response = login(auditor).get(
        reverse("audit:events"), {"date_from": "2025-03-01", "date_to": "2025-03-01"}
    )

    assert listed_sequences(response) == [3, 2]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"date_from": "2025-13-45"}, "date_from", "日期格式应为 YYYY-MM-DD"),
        ({"date_to": "yesterday"}, "date_to", "日期格式应为 YYYY-MM-DD"),
        (
            {"date_from": "2025-03-02", "date_to": "2025-03-01"},
            "date_to",
            "截止日期不能早于起始日期",
        ),
        ({"ip": "300.1.1.1"}, "ip", "请输入有效的 IPv4 或 IPv6 地址"),
    ],
)
def test_a_bad_filter_gets_a_message_naming_the_field(
    login: Login, auditor: User, params: dict[str, str], field: str, message: str
) -> None:
    append_events(2)

    response = login(auditor).get(reverse("audit:events"), params)

    assert response.status_code == 200
    assert response.context["page"] is None
    html = response.content.decode()
    assert f'data-field="{field}"' in html
    assert message in html
    assert "is-invalid" in str(response.context["form"][field])


def test_keyset_pages_walk_the_whole_log_without_repeats(login: Login, auditor: User) -> None:
    append_events(queries.PAGE_SIZE + 7)
    client = login(auditor)

    first = client.get(reverse("audit:events"))
    cursor = first.context["page"].next_cursor
    second = client.get(reverse("audit:events"), {"before": cursor})

    assert listed_sequences(first) == list(range(57, 7, -1))
    assert listed_sequences(second) == list(range(7, 0, -1))
    assert second.context["page"].next_cursor is None
    assert f"before={cursor}" in first.content.decode()


def test_htmx_filtering_returns_only_the_results(login: Login, auditor: User) -> None:
    record_event("customer.updated", username="alice")
    record_event("loan.disbursed", username="bob")

    response = login(auditor).get(
        reverse("audit:events"),
        {"actor": "bob"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="audit-results",
    )

    html = response.content.decode()
    assert "<html" not in html
    assert 'id="audit-events"' in html
    assert "loan.disbursed" in html
    assert "customer.updated" not in html


def test_the_detail_page_shows_the_masked_changes_and_the_hash_link(
    login: Login, auditor: User
) -> None:
    customer = CustomerFactory()
    old_id = customer.id_number
    before = snapshot(customer, ["id_number", "employer"])
    customer.id_number, customer.employer = valid_id_number(901), "蓝天科技"
    event = record_change(
        "customer.updated",
        actor=auditor,
        target=customer,
        before=before,
        after=snapshot(customer, ["id_number", "employer"]),
    )

    response = login(auditor).get(reverse("audit:event", kwargs={"sequence": event.sequence}))

    html = response.content.decode()
    assert response.status_code == 200
    assert "身份证号" in html
    assert f"{old_id[:6]}********{old_id[-4:]}" in html
    assert old_id not in html
    assert "蓝天科技" in html
    assert event.entry_hash in html
    assert event.prev_hash in html
    assert 'id="audit-link-check"' in html
    assert "alert-success" in html
    assert reverse("audit:event_verify", kwargs={"sequence": event.sequence}) in html


def test_an_unknown_record_is_not_found(login: Login, auditor: User) -> None:
    response = login(auditor).get(reverse("audit:event", kwargs={"sequence": 404}))

    assert response.status_code == 404


def test_the_chain_check_says_whether_the_chain_holds_up_to_the_record(
    login: Login, auditor: User
) -> None:
    append_events(5)
    client = login(auditor)
    with event_trigger_disabled():
        raw_sql("UPDATE audit_auditevent SET object_id = %s WHERE sequence = %s", ["x", 4])

    intact = client.get(reverse("audit:event_verify", kwargs={"sequence": 3}))
    broken = client.get(reverse("audit:event_verify", kwargs={"sequence": 5}))
    detail = client.get(reverse("audit:event", kwargs={"sequence": 4}))

    assert 'data-chain="ok"' in intact.content.decode()
    assert intact.context["report"].checked == 3
    assert 'data-chain="broken"' in broken.content.decode()
    assert broken.context["report"].broken.sequence == 4
    assert "alert-danger" in detail.content.decode()


def test_the_export_has_the_filtered_rows_and_is_itself_audited(
    login: Login, auditor: User
) -> None:
    record_event("customer.updated", username="alice", object_id="1")
    record_event("loan.disbursed", username="bob", object_id="2")
    record_event("customer.updated", username="carol", object_id="3")

    rows = export_csv(login(auditor), action="customer.updated")

    assert rows[0][:4] == ["sequence", "occurred_at", "actor", "action"]
    assert [(r[0], r[2], r[3]) for r in rows[1:]] == [
        ("3", "carol", "customer.updated"),
        ("1", "alice", "customer.updated"),
    ]
    exported = AuditEvent.objects.get(action="audit.exported")
    assert exported.actor_id == auditor.pk
    assert exported.metadata == {
        "row_count": 2,
        "filters": {"action": "customer.updated"},
        "up_to_sequence": 3,
        "format": "csv",
    }


def test_the_export_holds_no_unmasked_id_number_or_mobile(login: Login, auditor: User) -> None:
    customer = CustomerFactory()
    secrets = [customer.id_number, customer.mobile]
    before = snapshot(customer, ["id_number", "mobile"])
    customer.id_number, customer.mobile = valid_id_number(321), "13700001111"
    record_change(
        "customer.updated",
        actor=auditor,
        target=customer,
        before=before,
        after=snapshot(customer, ["id_number", "mobile"]),
    )
    record_event("note.added", metadata={"text": f"回电 {customer.mobile}"})

    rows = export_csv(login(auditor))

    text = "\n".join(",".join(row) for row in rows)
    for secret in [*secrets, customer.id_number, customer.mobile]:
        assert secret not in text
    assert "137****1111" in text


def test_export_cells_cannot_become_spreadsheet_formulas(login: Login, auditor: User) -> None:
    record_event("login.failed", username='=HYPERLINK("http://x")')

    rows = export_csv(login(auditor), action="login.failed")

    assert rows[1][2] == '\'=HYPERLINK("http://x")'


def test_exporting_needs_the_export_capability_as_well(login: Login, admin_user: User) -> None:
    append_events(1)

    response = login(admin_user).post(reverse("audit:export"))

    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="audit.exported").exists()


def test_export_refuses_get_and_bad_filters(login: Login, auditor: User) -> None:
    client = login(auditor)

    assert client.get(reverse("audit:export")).status_code == 405
    response = client.post(reverse("audit:export"), {"date_from": "31/01/2025"})
    assert response.status_code == 400
    assert "date_from" in response.content.decode()
    assert not AuditEvent.objects.filter(action="audit.exported").exists()
