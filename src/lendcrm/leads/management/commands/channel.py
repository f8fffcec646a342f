from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lendcrm.core.errors import DomainError
from lendcrm.leads import queries, services
from lendcrm.leads.choices import ChannelKeyScope, ChannelKind


class Command(BaseCommand):
    help = (
        "Lead channels and their API keys: `lendcrm channel create NAME --json` prints the "
        "channel and a new key (shown once)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="create a channel and an API key for it")
        create.add_argument("name", help="channel name, e.g. 百度信息流")
        create.add_argument("--code", help="unique channel code (default: the name, if usable)")
        create.add_argument("--kind", choices=ChannelKind.values, default=ChannelKind.WEBSITE)
        _scope_argument(create)
        issue = actions.add_parser("issue-key", help="another API key for an existing channel")
        issue.add_argument("code", help="channel code")
        issue.add_argument("--name", default="default", help="key name")
        _scope_argument(issue)
        for action in ("rotate", "revoke"):
            sub = actions.add_parser(action, help=f"{action} an API key by its prefix")
            sub.add_argument("prefix")
        for sub in actions.choices.values():
            sub.add_argument("--json", action="store_true", help="print JSON")
        actions.add_parser("list", help="list the API keys (never their secrets)").add_argument(
            "--json", action="store_true", help="print JSON"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = getattr(self, "_" + options["action"].replace("-", "_"))(options)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
        else:
            self._print(result)

    def _create(self, options: dict[str, Any]) -> dict[str, Any]:
        channel = services.create_channel(
            name=options["name"], kind=options["kind"], code=options["code"]
        )
        issued = services.issue_channel_key(channel, scopes=options["scopes"])
        return _key_json(issued) | {"kind": channel.kind}

    def _issue_key(self, options: dict[str, Any]) -> dict[str, Any]:
        channel = queries.get_channel(options["code"])
        issued = services.issue_channel_key(channel, scopes=options["scopes"], name=options["name"])
        return _key_json(issued)

    def _rotate(self, options: dict[str, Any]) -> dict[str, Any]:
        issued = services.rotate_channel_key(queries.get_channel_key(options["prefix"]))
        return _key_json(issued) | {"replaced_prefix": options["prefix"]}

    def _revoke(self, options: dict[str, Any]) -> dict[str, Any]:
        key = services.revoke_channel_key(queries.get_channel_key(options["prefix"]))
        return {"prefix": key.prefix, "code": key.channel.code, "status": "revoked"}

    def _list(self, options: dict[str, Any]) -> dict[str, Any]:
        return {
            "keys": [
                {
                    "code": key.channel.code,
                    "name": key.channel.name,
                    "key_name": key.name,
                    "prefix": key.prefix,
                    "scopes": key.scopes,
                    "active": key.is_active and key.revoked_at is None,
                    "last_used_at": key.last_used_at.isoformat() if key.last_used_at else None,
                }
                for key in queries.list_channel_keys()
            ]
        }

    def _print(self, result: dict[str, Any]) -> None:
        for key in result.get("keys", []):
            state = "active" if key["active"] else "revoked"
            self.stdout.write(f"{key['code']:<20} {key['prefix']:<14} {state:<8} {key['scopes']}")
        for field in ("name", "code", "prefix", "scopes", "status"):
            if field in result:
                self.stdout.write(f"{field}: {result[field]}")
        if "api_key" in result:
            self.stdout.write(f"api_key (shown once, store it now): {result['api_key']}")


def _scope_argument(parser: CommandParser) -> None:
    parser.add_argument(
        "--scopes",
        nargs="+",
        choices=ChannelKeyScope.values,
        default=[ChannelKeyScope.LEADS_CREATE.value],
        help="what the key may do (default: leads:create)",
    )


def _key_json(issued: services.IssuedChannelKey) -> dict[str, Any]:
    return {
        "name": issued.key.channel.name,
        "code": issued.key.channel.code,
        "api_key": issued.plaintext,
        "prefix": issued.key.prefix,
        "scopes": issued.key.scopes,
    }
