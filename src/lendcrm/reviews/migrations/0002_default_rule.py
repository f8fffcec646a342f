"""A default review rule, so applications in manual review are assigned out of the box."""

from __future__ import annotations

from typing import Any

from django.db import migrations

DEFAULT_RULE = {
    "name": "默认规则（全部产品）",
    "min_level": "reviewer",
    "priority": 1000,
    "sla_minutes": 240,
}


def add_default_rule(apps: Any, schema_editor: Any) -> None:
    ReviewRule = apps.get_model("reviews", "ReviewRule")
    if not ReviewRule.objects.filter(name=DEFAULT_RULE["name"]).exists():
        ReviewRule.objects.create(**DEFAULT_RULE)


def remove_default_rule(apps: Any, schema_editor: Any) -> None:
    apps.get_model("reviews", "ReviewRule").objects.filter(name=DEFAULT_RULE["name"]).delete()


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_initial")]

    operations = [migrations.RunPython(add_default_rule, remove_default_rule)]
