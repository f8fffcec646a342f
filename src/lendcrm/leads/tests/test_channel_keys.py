"""Channel API keys for lead capture: issue, authenticate by scope, rotate, revoke, the CLI."""

from __future__ import annotations

import hashlib
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from lendcrm.audit.models import AuditEvent
from lendcrm.core.errors import DomainError
from lendcrm.identity.choices import Role
from lendcrm.identity.models import User
from lendcrm.identity.services import assign_roles
from lendcrm.leads import services
from lendcrm.leads.choices import ChannelKind
from lendcrm.leads.models import Channel, ChannelApiKey
from lendcrm.leads.services import ChannelKeyRejected, ChannelKeyScopeMissing

pytestmark = pytest.mark.django_db
CREATE = "leads:create"
BULK = "leads:bulk"


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("sequence"))


@pytest.fixture
def channel(db: None) -> Channel:
    return Channel.objects.create(code="baidu-feed", name="百度信息流", kind=ChannelKind.H5)


@pytest.fixture
def admin_client(db: None) -> Client:
    admin = User.objects.create_user(username="admin1", password="irrelevant-pass-1")
    assign_roles(admin, [Role.ADMIN])
    client = Client()
    client.force_login(admin)
    return client


def _run(*args: str) -> dict[str, object]:
    out = StringIO()
    call_command("channel", *args, "--json", stdout=out)
    result: dict[str, object] = json.loads(out.getvalue())
    return result


def test_a_key_authenticates_its_channel_for_a_scope_it_holds(channel: Channel) -> None:
    issued = services.issue_channel_key(channel, scopes=[CREATE])

    assert services.authenticate_channel_key(issued.plaintext, CREATE) == channel
    assert ChannelApiKey.objects.get().last_used_at is not None


def test_only_a_hash_of_the_secret_is_stored(channel: Channel) -> None:
    issued = services.issue_channel_key(channel, scopes=[CREATE])
    secret = issued.plaintext.split("_", 2)[2]

    key = ChannelApiKey.objects.get()
    assert key.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(list(ChannelApiKey.objects.values()))
    assert secret not in str(list(AuditEvent.objects.values("metadata")))


def test_a_key_without_the_scope_is_refused_with_403_and_audited(channel: Channel) -> None:
    issued = services.issue_channel_key(channel, scopes=[CREATE])

    with pytest.raises(ChannelKeyScopeMissing) as refused:
        services.authenticate_channel_key(issued.plaintext, BULK)

    assert refused.value.status_code == 403
    assert "leads:bulk" in refused.value.message
    assert _events("channel_key.rejected")[0].metadata["reason"] == "scope"


@pytest.mark.parametrize(
    "raw", ["", "nonsense", "lck_", "lck_abc", "lc_abcdef_secret", "lck_000000000000_wrong"]
)
def test_malformed_or_unknown_keys_are_refused_with_401(channel: Channel, raw: str) -> None:
    services.issue_channel_key(channel, scopes=[CREATE])

    with pytest.raises(ChannelKeyRejected) as refused:
        services.authenticate_channel_key(raw, CREATE)

    assert refused.value.status_code == 401
    assert refused.value.problems[0].field == "X-API-Key"
    assert len(_events("channel_key.rejected")) == 1


def test_a_wrong_secret_with_a_real_prefix_is_refused(channel: Channel) -> None:
    issued = services.issue_channel_key(channel, scopes=[CREATE])

    with pytest.raises(ChannelKeyRejected) as refused:
        services.authenticate_channel_key(issued.plaintext + "x", CREATE)

    assert refused.value.reason == "unknown"


def test_a_revoked_key_is_refused_and_revocation_is_audited(channel: Channel) -> None:
    issued = services.issue_channel_key(channel, scopes=[CREATE])

    services.revoke_channel_key(issued.key)

    with pytest.raises(ChannelKeyRejected) as refused:
        services.authenticate_channel_key(issued.plaintext, CREATE)
    assert refused.value.reason == "revoked"
    assert _events("channel_key.revoked")[0].metadata == {
        "channel": "baidu-feed",
        "prefix": issued.key.prefix,
    }


def test_a_disabled_channel_cannot_push_leads(channel: Channel) -> None:
    issued = services.issue_channel_key(channel, scopes=[CREATE])
    Channel.objects.filter(pk=channel.pk).update(is_active=False)

    with pytest.raises(ChannelKeyRejected) as refused:
        services.authenticate_channel_key(issued.plaintext, CREATE)

    assert refused.value.reason == "channel_inactive"


def test_rotation_replaces_the_key_with_the_same_scopes(channel: Channel) -> None:
    old = services.issue_channel_key(channel, scopes=[CREATE, BULK])

    new = services.rotate_channel_key(old.key)

    assert services.authenticate_channel_key(new.plaintext, BULK) == channel
    with pytest.raises(ChannelKeyRejected):
        services.authenticate_channel_key(old.plaintext, CREATE)
    assert new.key.scopes == [BULK, CREATE]
    [event] = _events("channel_key.rotated")
    assert event.metadata["old_prefix"] == old.key.prefix
    assert event.metadata["prefix"] == new.key.prefix


def test_unknown_scopes_are_refused(channel: Channel) -> None:
    with pytest.raises(DomainError) as refused:
        services.issue_channel_key(channel, scopes=["leads:delete"])

    assert refused.value.problems[0].field == "scopes"


def test_the_cli_creates_a_channel_and_prints_its_key_as_json(db: None) -> None:
    result = _run("create", "百度信息流", "--kind", "h5", "--scopes", CREATE, BULK)

    channel = Channel.objects.get()
    assert result["name"] == "百度信息流"
    assert channel.kind == "h5"
    assert str(result["code"]).startswith("ch-")
    assert services.authenticate_channel_key(str(result["api_key"]), BULK) == channel
    assert _events("channel.created")[0].metadata == {"code": result["code"]}
    assert _events("channel_key.issued")[0].metadata["scopes"] == [BULK, CREATE]


def test_the_cli_rotates_lists_and_revokes_keys(db: None) -> None:
    created = _run("create", "zhihu", "--code", "zhihu")
    rotated = _run("rotate", str(created["prefix"]))
    listing = _run("list")
    _run("revoke", str(rotated["prefix"]))

    assert rotated["replaced_prefix"] == created["prefix"]
    assert [k["active"] for k in listing["keys"]] == [True, False]  # type: ignore[index]
    with pytest.raises(ChannelKeyRejected):
        services.authenticate_channel_key(str(rotated["api_key"]), CREATE)


def test_the_cli_reports_a_duplicate_code_clearly(db: None) -> None:
    _run("create", "zhihu")

    with pytest.raises(CommandError, match="渠道编码已存在"):
        _run("create", "zhihu")


def test_the_admin_page_creates_a_key_and_shows_it_once(
    admin_client: Client, channel: Channel
) -> None:
    response = admin_client.post(
        reverse("identity:channel_keys"),
        {"channel": channel.pk, "name": "prod", "scopes": [CREATE]},
    )

    key = ChannelApiKey.objects.get()
    page = response.content.decode()
    assert response.status_code == 200
    assert f"lck_{key.prefix}_" in page
    assert (
        f"lck_{key.prefix}_"
        not in admin_client.get(reverse("identity:channel_keys")).content.decode()
    )
    assert _events("channel_key.issued")[0].actor_username == "admin1"


def test_the_admin_page_rotates_and_revokes(admin_client: Client, channel: Channel) -> None:
    issued = services.issue_channel_key(channel, scopes=[CREATE])

    rotated = admin_client.post(reverse("identity:channel_key_rotate", args=[issued.key.prefix]))
    new_key = ChannelApiKey.objects.exclude(pk=issued.key.pk).get()
    admin_client.post(reverse("identity:channel_key_revoke", args=[new_key.prefix]))

    assert f"lck_{new_key.prefix}_" in rotated.content.decode()
    assert not ChannelApiKey.objects.filter(revoked_at__isnull=True).exists()
    assert _events("channel_key.rotated")[0].actor_username == "admin1"
    assert _events("channel_key.revoked")[0].actor_username == "admin1"
