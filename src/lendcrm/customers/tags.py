"""Tags on customers and leads (客户标签): manual ones from the UI, automatic ones from rules.

Every change is audited (`customer.tag_added` / `lead.tag_removed` ...) and appears in the
timeline. Removal is soft: the assignment keeps who removed it and when.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from lendcrm.audit.services import record_event
from lendcrm.core import clock
from lendcrm.core.errors import DomainError, NotFound, PermissionDenied
from lendcrm.customers.choices import InteractionKind, TagKind, TagSource
from lendcrm.customers.models import Customer, Tag, TagAssignment
from lendcrm.customers.queries import forget_tag_counts
from lendcrm.customers.tag_rules import RULES, TagFacts, evaluate_rules
from lendcrm.customers.timeline import record_interaction
from lendcrm.identity.roles import can

TAG_CAPABILITY = "customers.tag"


def apply_tag(
    *,
    name: str,
    lead: Any = None,
    customer: Customer | None = None,
    source: str = TagSource.MANUAL,
    acting_user: Any = None,
) -> TagAssignment:
    """Put the tag on the lead or the customer; an already active tag is returned unchanged."""
    _check_source(source, acting_user)
    with transaction.atomic():
        subject = _lock_subject(lead=lead, customer=customer)
        tag = _tag_for(name, source)
        active = _active(tag, subject).first()
        if active is not None:
            return active
        assignment = TagAssignment.objects.create(
            tag=tag,
            source=source,
            assigned_by=_user(acting_user),
            assigned_at=clock.now(),
            **{_subject_field(subject): subject},
        )
        _audit("tag_added", subject, tag, source, acting_user)
    return assignment


def remove_tag(
    *,
    name: str,
    lead: Any = None,
    customer: Customer | None = None,
    source: str = TagSource.MANUAL,
    acting_user: Any = None,
) -> TagAssignment | None:
    """Take the tag off (soft: kept with who and when); None when it was not on."""
    _check_source(source, acting_user)
    with transaction.atomic():
        subject = _lock_subject(lead=lead, customer=customer)
        tag = Tag.objects.filter(name=name.strip()).first()
        if tag is None and source == TagSource.RULE:
            return None  # the rule never fired, so there is nothing to take off
        if tag is None:
            raise DomainError(_("标签“%(name)s”不存在") % {"name": name}, field="tag")
        active = _active(tag, subject).first()
        if active is None:
            return None
        if source == TagSource.RULE and active.source != TagSource.RULE:
            return None  # a rule never removes a tag a person put on
        active.removed_at = clock.now()
        active.removed_by = _user(acting_user)
        active.save(update_fields=["removed_at", "removed_by"])
        _audit("tag_removed", subject, tag, source, acting_user)
    return active


def evaluate_auto_tags(
    *,
    lead: Any = None,
    customer: Customer | None = None,
    positive_follow_ups: int | None = None,
    refusal_reason: str | None = None,
    opted_out: bool | None = None,
    acting_user: Any = None,
    event: str = "",
) -> list[str]:
    """Run the rules in `tag_rules` on the facts given; the rule tags now on the subject.

    Facts left as None are unknown at this event and change nothing. A rule that says its tag
    no longer applies removes it, but only if a rule (not a person) put it on.
    """
    facts = TagFacts(
        event=event,
        positive_follow_ups=positive_follow_ups,
        refusal_reason=refusal_reason,
        opted_out=opted_out,
    )
    with transaction.atomic():
        for name, applies in evaluate_rules(facts).items():
            if applies:
                apply_tag(
                    name=name,
                    lead=lead,
                    customer=customer,
                    source=TagSource.RULE,
                    acting_user=acting_user,
                )
            else:
                remove_tag(
                    name=name,
                    lead=lead,
                    customer=customer,
                    source=TagSource.RULE,
                    acting_user=acting_user,
                )
        subject = _subject(lead=lead, customer=customer)
        return sorted(active_tag_names(subject, kind=TagKind.AUTO))


def active_tag_names(subject: Any, *, kind: str | None = None) -> list[str]:
    assignments = TagAssignment.objects.filter(
        removed_at__isnull=True, **{_subject_field(subject): subject}
    )
    if kind:
        assignments = assignments.filter(tag__kind=kind)
    return list(assignments.values_list("tag__name", flat=True))


def active_assignments(subject: Any) -> QuerySet[TagAssignment]:
    return (
        TagAssignment.objects.filter(removed_at__isnull=True, **{_subject_field(subject): subject})
        .select_related("tag", "assigned_by")
        .order_by("tag__kind", "tag__name")
    )


def tag_counts(customers: QuerySet[Customer]) -> list[tuple[Tag, int]]:
    """Each tag with the number of the given customers carrying it (zero counts left out)."""
    active = Q(assignments__removed_at__isnull=True, assignments__customer__in=customers)
    tags = Tag.objects.annotate(total=Count("assignments", filter=active)).filter(total__gt=0)
    return [(tag, tag.total) for tag in tags.order_by("kind", "name")]


def _check_source(source: str, acting_user: Any) -> None:
    if source not in TagSource.values:
        raise DomainError(_("未知的标签来源"), field="source")
    if (
        source == TagSource.MANUAL
        and acting_user is not None
        and not can(acting_user, TAG_CAPABILITY)
    ):
        raise PermissionDenied(_("您的角色无权修改客户标签"))


def _tag_for(name: str, source: str) -> Tag:
    name = name.strip()
    if not name:
        raise DomainError(_("请选择标签"), field="tag")
    if source == TagSource.RULE:
        rule = RULES.get(name)
        tag, _created = Tag.objects.get_or_create(
            name=name,
            defaults={
                "kind": TagKind.AUTO,
                "colour": "info",
                "description": rule.description if rule else "",
            },
        )
        return tag
    manual = Tag.objects.filter(name=name).first()
    if manual is None:
        raise DomainError(_("标签“%(name)s”不存在") % {"name": name}, field="tag")
    if manual.kind == TagKind.AUTO:
        raise DomainError(_("自动标签由规则维护，不能手工添加"), field="tag")
    return manual


def _subject(*, lead: Any, customer: Customer | None) -> Any:
    if (lead is None) == (customer is None):
        raise DomainError(_("标签必须且只能关联一个线索或客户"), field="customer")
    return customer if customer is not None else lead


def _lock_subject(*, lead: Any, customer: Customer | None) -> Any:
    # Locking the tagged row serialises concurrent tagging of the same customer or lead.
    subject = _subject(lead=lead, customer=customer)
    try:
        return type(subject).objects.select_for_update().get(pk=subject.pk)
    except type(subject).DoesNotExist as exc:
        raise NotFound(_("记录不存在")) from exc


def _subject_field(subject: Any) -> str:
    return "customer" if isinstance(subject, Customer) else "lead"


def _active(tag: Tag, subject: Any) -> QuerySet[TagAssignment]:
    return TagAssignment.objects.filter(
        tag=tag, removed_at__isnull=True, **{_subject_field(subject): subject}
    )


def _user(acting_user: Any) -> Any:
    return acting_user if getattr(acting_user, "is_authenticated", False) else None


def _audit(verb: str, subject: Any, tag: Tag, source: str, acting_user: Any) -> None:
    field = _subject_field(subject)
    transaction.on_commit(forget_tag_counts)
    record_event(
        f"{field}.{verb}",
        actor=_user(acting_user),
        target=subject,
        metadata={"tag": tag.name, "source": source},
    )
    template = _("添加标签：%(tag)s") if verb == "tag_added" else _("移除标签：%(tag)s")
    record_interaction(
        kind=InteractionKind.TAG,
        summary=template % {"tag": tag.name},
        actor=acting_user,
        **{field: subject},
    )
