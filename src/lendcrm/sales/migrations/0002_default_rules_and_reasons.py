"""The default task rules (首呼 within 5 minutes; second follow-up after 3 days without an
application) and refusal reasons; managers edit them afterwards."""

from django.db import migrations

RULES = (
    ("分配后5分钟内首呼", "lead_assigned", "first_call", 5),
    ("3天未进件二次跟进", "no_application_after", "follow_up", 3 * 24 * 60),
)
REASONS = (
    ("rate_too_high", "利率太高", False),
    ("limit_too_low", "额度不够", False),
    ("borrowed_elsewhere", "已在他处借款", False),
    ("no_need", "暂无需求", False),
    ("no_marketing", "拒绝推销", True),
    ("other", "其他", False),
)


def create_defaults(apps, schema_editor):
    TaskRule = apps.get_model("sales", "TaskRule")
    RefusalReason = apps.get_model("sales", "RefusalReason")
    for name, event, kind, minutes in RULES:
        if not TaskRule.objects.filter(event=event).exists():
            TaskRule.objects.create(name=name, event=event, task_kind=kind, due_minutes=minutes)
    for order, (code, name, opt_out) in enumerate(REASONS):
        RefusalReason.objects.get_or_create(
            code=code, defaults={"name": name, "is_opt_out": opt_out, "sort_order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("sales", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
