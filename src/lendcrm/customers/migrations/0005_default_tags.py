"""The tags every installation starts with: the rule tags and a few common manual ones."""

from django.db import migrations

DEFAULT_TAGS = (
    ("高意向", "auto", "success", "至少两次正向跟进（意向为 A/B）"),
    ("价格敏感", "auto", "warning", "拒绝原因为价格或利率"),
    ("拒绝推销", "auto", "dark", "客户明确拒绝营销"),
    ("优质客户", "manual", "primary", "收入稳定、征信良好"),
    ("风险关注", "manual", "danger", "需要重点关注的风险信号"),
    ("老客户", "manual", "info", "有过结清记录的回头客"),
)


def add_tags(apps, schema_editor):
    Tag = apps.get_model("customers", "Tag")
    for name, kind, colour, description in DEFAULT_TAGS:
        Tag.objects.get_or_create(
            name=name, defaults={"kind": kind, "colour": colour, "description": description}
        )


class Migration(migrations.Migration):
    dependencies = [("customers", "0004_customer_source_employer_phone")]

    operations = [migrations.RunPython(add_tags, migrations.RunPython.noop)]
