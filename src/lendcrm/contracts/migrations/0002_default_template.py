"""Seed the default zh-Hans contract template (product-less: used by every product without one)."""

from pathlib import Path

from django.db import migrations

# shipped with the templates (package data); the body is stored in the row, not read again
TEMPLATE_FILE = (
    Path(__file__).resolve().parent.parent
    / "templates"
    / "contracts"
    / "default_contract_body_v1.txt"
)


def seed(apps, schema_editor):
    ContractTemplate = apps.get_model("contracts", "ContractTemplate")
    ContractTemplate.objects.get_or_create(
        product=None,
        version=1,
        defaults={
            "title": "个人借款合同",
            "body": TEMPLATE_FILE.read_text(encoding="utf-8"),
            "is_active": True,
        },
    )


def unseed(apps, schema_editor):
    ContractTemplate = apps.get_model("contracts", "ContractTemplate")
    ContractTemplate.objects.filter(product=None, version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("contracts", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
