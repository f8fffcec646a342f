"""Strategy lifecycle (draft → submit → approve → publish, maker-checker), deployments with
champion/challenger, black/gray lists, pre-screen decisions and their replay. Every write is
one atomic function that records its audit event."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils.translation import gettext as _

from lendcrm.applications.queries import get_application
from lendcrm.audit.services import queue_event, record_event
from lendcrm.core import clock
from lendcrm.core.errors import Conflict, DomainError, FieldProblem, PermissionDenied
from lendcrm.decisions import lists, prescreen, queries
from lendcrm.decisions.choices import (
    DecisionArm,
    DeploymentMode,
    ListEntryKind,
    ListType,
    StrategyVersionStatus,
)
from lendcrm.decisions.engine import (
    CompiledStrategy,
    CompileError,
    DefinitionError,
    InputRejected,
    cached_strategy,
    canonical_json,
    check_definition,
    compile_strategy,
)
from lendcrm.decisions.engine.definition import SCORECARD
from lendcrm.decisions.engine.diff import diff_definitions
from lendcrm.decisions.engine.split import is_challenger
from lendcrm.decisions.models import (
    DecisionRecord,
    ListEntry,
    Strategy,
    StrategyDeployment,
    StrategyVersion,
)
from lendcrm.decisions.transitions import transition_version

S = StrategyVersionStatus
USABLE_CARD_STATUSES = frozenset({"approved", "deployed"})


class InputError(DomainError):
    """The request's input cannot be decided on: 422 naming the field."""

    status_code = 422


def _definition_error(exc: DefinitionError) -> DomainError:
    problems = [FieldProblem(p.where, p.message) for p in exc.problems]
    return DomainError(_("策略定义有误：%(detail)s") % {"detail": exc}, problems=problems)


# Strategies and versions ----------------------------------------------------------------------
def create_strategy(
    *, code: str, name: str, acting_user: Any, description: str = "", product_code: str = ""
) -> Strategy:
    try:
        with transaction.atomic():
            strategy = Strategy.objects.create(
                code=code.strip(),
                name=name.strip(),
                description=description,
                product_code=product_code.strip(),
                created_by=acting_user,
            )
            record_event("decisions.strategy_created", actor=acting_user, target=strategy)
    except IntegrityError as exc:
        raise Conflict(_("策略编码已存在"), field="code") from exc
    return strategy


def create_draft(
    strategy: Strategy, *, definition: Mapping[str, Any], acting_user: Any, change_note: str = ""
) -> StrategyVersion:
    """A new draft version; the document is checked (syntax, structure, no JavaScript)."""
    checked = _check(definition, strict=False)
    with transaction.atomic():
        Strategy.objects.select_for_update().get(pk=strategy.pk)
        last = strategy.versions.aggregate(last=Max("number"))["last"] or 0
        version = StrategyVersion.objects.create(
            strategy=strategy,
            number=last + 1,
            definition=checked,
            author=acting_user,
            change_note=change_note,
        )
        record_event(
            "decisions.version_created",
            actor=acting_user,
            target=version,
            metadata={
                "strategy": strategy.code,
                "version": version.number,
                "content_hash": version.content_hash,
            },
        )
    return version


def update_draft(
    version: StrategyVersion,
    *,
    definition: Mapping[str, Any],
    acting_user: Any,
    change_note: str | None = None,
) -> StrategyVersion:
    checked = _check(definition, strict=False)
    with transaction.atomic():
        locked = StrategyVersion.objects.select_for_update().get(pk=version.pk)
        if locked.status != S.DRAFT:
            raise Conflict(_("只有草稿可以修改"))
        before = locked.content_hash
        locked.definition = checked
        if change_note is not None:
            locked.change_note = change_note
        locked.save()
        record_event(
            "decisions.version_updated",
            actor=acting_user,
            target=locked,
            metadata={"old_hash": before, "new_hash": locked.content_hash},
        )
    return locked


def submit_version(version: StrategyVersion, *, acting_user: Any) -> StrategyVersion:
    with transaction.atomic():
        locked = StrategyVersion.objects.select_for_update().get(pk=version.pk)
        _check(locked.definition, strict=False)
        transition_version(locked, to=S.SUBMITTED)
        locked.submitted_by = acting_user
        locked.submitted_at = clock.now()
        locked.save(update_fields=["status", "submitted_by", "submitted_at", "updated_at"])
        record_event("decisions.version_submitted", actor=acting_user, target=locked)
    return locked


def return_version(
    version: StrategyVersion, *, acting_user: Any, note: str = ""
) -> StrategyVersion:
    """The checker sends a submitted version back to its author as a draft."""
    with transaction.atomic():
        locked = StrategyVersion.objects.select_for_update().get(pk=version.pk)
        transition_version(locked, to=S.DRAFT)
        locked.submitted_by = None
        locked.submitted_at = None
        locked.save(update_fields=["status", "submitted_by", "submitted_at", "updated_at"])
        record_event(
            "decisions.version_returned", actor=acting_user, target=locked, metadata={"note": note}
        )
    return locked


def approve_version(version: StrategyVersion, *, acting_user: Any) -> StrategyVersion:
    """The checker's approval: never by the author (maker) nor by who submitted it."""
    with transaction.atomic():
        locked = StrategyVersion.objects.select_for_update().get(pk=version.pk)
        if acting_user.pk in (locked.author_id, locked.submitted_by_id):
            raise PermissionDenied(_("策略版本的编写人不能复核自己的版本"))
        transition_version(locked, to=S.APPROVED)
        locked.approved_by = acting_user
        locked.approved_at = clock.now()
        locked.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
        record_event("decisions.version_approved", actor=acting_user, target=locked)
    return locked


def publish_version(
    version: StrategyVersion, *, acting_user: Any, product_code: str = ""
) -> StrategyDeployment:
    """Make `version` the champion for the strategy and product: one live version each.

    The previous champion is retired unless another deployment still uses it. Publishing an
    older (retired) version is how a rollback is done. The document is checked strictly here:
    every referenced variable must be declared and every scorecard usable.
    """
    _check(version.definition, strict=True)
    compile_version(version)
    with transaction.atomic():
        Strategy.objects.select_for_update().get(pk=version.strategy_id)
        locked = StrategyVersion.objects.select_for_update().get(pk=version.pk)
        if locked.status != S.PUBLISHED:
            transition_version(locked, to=S.PUBLISHED)
        locked.published_by = acting_user
        locked.published_at = clock.now()
        locked.save(update_fields=["status", "published_by", "published_at", "updated_at"])
        deployment = (
            StrategyDeployment.objects.select_for_update()
            .filter(strategy_id=locked.strategy_id, product_code=product_code)
            .first()
        )
        previous = deployment.champion_id if deployment else None
        if deployment is None:
            deployment = StrategyDeployment(
                strategy_id=locked.strategy_id, product_code=product_code
            )
        deployment.champion = locked
        if deployment.challenger_id == locked.pk:
            deployment.challenger = None
            deployment.challenger_share = Decimal(0)
        deployment.updated_by = acting_user
        deployment.save()
        retired = _retire_if_unused(previous, except_pk=locked.pk)
        record_event(
            "decisions.version_published",
            actor=acting_user,
            target=locked,
            metadata={"product": product_code, "previous": previous, "retired": retired},
        )
    return deployment


def _retire_if_unused(version_id: int | None, *, except_pk: int) -> bool:
    if version_id is None or version_id == except_pk:
        return False
    in_use = StrategyDeployment.objects.filter(
        Q(champion_id=version_id) | Q(challenger_id=version_id)
    ).exists()
    old = StrategyVersion.objects.select_for_update().get(pk=version_id)
    if in_use or old.status != S.PUBLISHED:
        return False
    transition_version(old, to=S.RETIRED)
    old.save(update_fields=["status", "updated_at"])
    return True


def set_challenger(
    deployment: StrategyDeployment,
    *,
    challenger: StrategyVersion | None,
    share: Decimal,
    mode: DeploymentMode,
    acting_user: Any,
) -> StrategyDeployment:
    """Run `challenger` on `share` of subjects (split) or on every request unapplied (shadow)."""
    if not Decimal(0) <= share <= Decimal(1):
        raise DomainError(_("挑战者占比必须在0到1之间"), field="challenger_share")
    if challenger is not None:
        if challenger.strategy_id != deployment.strategy_id:
            raise DomainError(_("挑战者必须属于同一策略"), field="challenger")
        if challenger.status not in (S.APPROVED, S.PUBLISHED, S.RETIRED):
            raise Conflict(_("挑战者版本必须已复核"))
        if challenger.pk == deployment.champion_id:
            raise DomainError(_("挑战者不能与冠军版本相同"), field="challenger")
        _check(challenger.definition, strict=True)
        compile_version(challenger)
    with transaction.atomic():
        locked = StrategyDeployment.objects.select_for_update().get(pk=deployment.pk)
        locked.challenger = challenger
        locked.challenger_share = share if challenger else Decimal(0)
        locked.mode = mode
        locked.updated_by = acting_user
        locked.save()
        record_event(
            "decisions.challenger_set",
            actor=acting_user,
            target=locked,
            metadata={
                "challenger": challenger.pk if challenger else None,
                "share": str(locked.challenger_share),
                "mode": str(mode),
            },
        )
    return locked


def diff_versions(old: StrategyVersion, new: StrategyVersion) -> dict[str, Any]:
    """Per step, rows added/removed/changed (see engine.diff)."""
    return diff_definitions(old.definition, new.definition)


def _check(definition: Mapping[str, Any], *, strict: bool) -> dict[str, Any]:
    try:
        return check_definition(definition, strict=strict)
    except DefinitionError as exc:
        raise _definition_error(exc) from exc


def compile_version(version: StrategyVersion) -> CompiledStrategy:
    """The compiled strategy, cached by version and content hash (a frozen document)."""
    key = f"{version.pk}:{version.content_hash}"
    cached = cached_strategy(key)
    if cached is not None:
        return cached
    try:
        return compile_strategy(version.definition, cards=_cards(version.definition), cache_key=key)
    except DefinitionError as exc:
        raise _definition_error(exc) from exc
    except CompileError as exc:
        raise DomainError(str(exc), field="definition") from exc


def _cards(definition: Mapping[str, Any]) -> dict[int, Mapping[str, Any]]:
    from lendcrm.scoring.models import ScorecardVersion

    ids = [
        s["scorecard_version"]
        for s in definition.get("steps") or []
        if isinstance(s, dict)
        and s.get("type") == SCORECARD
        and isinstance(s.get("scorecard_version"), int)
    ]
    found = ScorecardVersion.objects.filter(pk__in=ids, status__in=USABLE_CARD_STATUSES)
    return {v.pk: v.card for v in found}


# Black and gray lists -------------------------------------------------------------------------
def add_list_entry(
    *,
    list_type: ListType,
    kind: ListEntryKind,
    value: str,
    acting_user: Any,
    source: str = "",
    reason: str = "",
    expires_at: Any = None,
) -> ListEntry:
    """Add (or renew) an entry; the value is stored encrypted and matched by blind index."""
    index = lists.value_index(kind, value)
    if not index:
        raise DomainError(_("名单值不能为空"), field="value")
    with transaction.atomic():
        entry, created = ListEntry.objects.select_for_update().get_or_create(
            list_type=list_type,
            kind=kind,
            value_index=index,
            defaults={"value": lists.normalise(kind, value), "created_by": acting_user},
        )
        entry.source, entry.reason, entry.expires_at = source, reason, expires_at
        entry.save()
        record_event(
            "decisions.list_entry_added" if created else "decisions.list_entry_renewed",
            actor=acting_user,
            target=entry,
            metadata={"list_type": str(list_type), "kind": str(kind), "source": source},
        )
    return entry


def remove_list_entry(entry: ListEntry, *, acting_user: Any) -> None:
    with transaction.atomic():
        record_event(
            "decisions.list_entry_removed",
            actor=acting_user,
            target=entry,
            metadata={"list_type": entry.list_type, "kind": entry.kind},
        )
        entry.delete()


def check_lists(identifiers: Mapping[str, str]) -> lists.ListHits:
    """Which lists the raw identifiers (kind → value) are on, ignoring expired entries."""
    return lists.hits_for_indexes(lists.indexes_of(identifiers))


# Running decisions ----------------------------------------------------------------------------
@dataclass(frozen=True)
class PreScreenResult:
    record: DecisionRecord
    shadow: DecisionRecord | None


def pre_screen(
    *,
    acting_user: Any,
    application_id: int | None = None,
    strategy_code: str = "",
    product_code: str = "",
    payload: Mapping[str, Any] | None = None,
) -> PreScreenResult:
    """Decide on an application, or on a channel's input, with the live strategy version.

    The applied record is the champion's, or the challenger's for its share of subjects; in
    shadow mode the challenger also runs on every request and is stored with applied=False.
    """
    application = None
    if application_id is not None:
        application = get_application(acting_user, application_id)
        request = prescreen.request_from_application(application)
        product_code = product_code or request.product_code
    elif payload is not None:
        request = prescreen.request_from_payload(payload, product_code=product_code)
    else:
        raise InputError(_("需要进件编号或输入数据"), field="input")
    deployment = queries.get_live_deployment(strategy_code=strategy_code, product_code=product_code)
    champion = compile_version(deployment.champion)
    others = [compile_version(deployment.challenger)] if deployment.challenger else []
    enriched = prescreen.enrich(request, champion, *others)
    code = deployment.strategy.code
    arm = DecisionArm.CHAMPION
    applied_version = deployment.champion
    shadow_version = None
    if deployment.challenger is not None:
        if deployment.mode == DeploymentMode.SHADOW:
            shadow_version = deployment.challenger
        elif is_challenger(enriched.subject_key, code, deployment.challenger_share):
            arm, applied_version = DecisionArm.CHALLENGER, deployment.challenger
    with transaction.atomic():
        record = _decide(
            applied_version,
            enriched,
            arm=arm,
            applied=True,
            application=application,
            acting_user=acting_user,
            product_code=product_code,
        )
        shadow = None
        if shadow_version is not None:
            shadow = _decide(
                shadow_version,
                enriched,
                arm=DecisionArm.SHADOW,
                applied=False,
                application=application,
                acting_user=acting_user,
                product_code=product_code,
            )
        # Queued, not appended under the chain head's lock: the API answers many of these a
        # second, and the event still commits with the record (ADR 0013).
        queue_event(
            "decisions.pre_screened",
            actor=acting_user,
            target=record,
            metadata={
                "strategy": code,
                "version": applied_version.number,
                "arm": str(arm),
                "outcome": record.outcome,
                "shadow": str(shadow.pk) if shadow else None,
            },
        )
    return PreScreenResult(record=record, shadow=shadow)


def _decide(
    version: StrategyVersion,
    enriched: prescreen.EnrichedInput,
    *,
    arm: DecisionArm,
    applied: bool,
    application: Any,
    acting_user: Any,
    product_code: str,
) -> DecisionRecord:
    compiled = compile_version(version)
    inputs = enriched.inputs_for(compiled)
    started = time.perf_counter()
    try:
        output = compiled.evaluate(inputs)
    except InputRejected as exc:
        raise InputError(
            _("输入 %(field)s 无效：%(message)s") % {"field": exc.field, "message": exc.message},
            field=exc.field,
        ) from exc
    latency = Decimal(round((time.perf_counter() - started) * 1000, 3)).quantize(Decimal("0.001"))
    return DecisionRecord.objects.create(
        application=application,
        subject_key=enriched.subject_key,
        strategy_version=version,
        product_code=product_code,
        arm=arm,
        applied=applied,
        outcome=output["outcome"],
        rule_results=output["rule_results"],
        score=output["score"],
        score_points=output["score_points"],
        reason_codes=output["reason_codes"],
        limit=Decimal(output["limit"]) if output["limit"] is not None else None,
        pricing_tier=output["pricing_tier"],
        latency_ms=latency,
        input_snapshot={
            "inputs": inputs,
            "identifiers": enriched.identifiers,
            "sources": enriched.sources,
        },
        output=output,
        requested_by=acting_user if getattr(acting_user, "pk", None) else None,
        owner_id=getattr(application, "owner_id", None),
        team_id=getattr(application, "team_id", None),
        branch_id=getattr(application, "branch_id", None),
    )


@dataclass(frozen=True)
class ReplayResult:
    record_id: str
    identical: bool
    first_difference: str  # the dotted path of the first differing field, "" when identical


def replay_decision(record: DecisionRecord) -> ReplayResult:
    """Re-run the stored input on the stored version; compare canonical JSON of the output."""
    compiled = compile_version(record.strategy_version)
    output = compiled.evaluate(record.input_snapshot["inputs"])
    stored = record.output
    if canonical_json(output) == canonical_json(stored):
        return ReplayResult(str(record.pk), True, "")
    return ReplayResult(str(record.pk), False, first_difference(stored, output) or "output")


def first_difference(old: Any, new: Any, path: str = "") -> str:
    """The dotted path of the first place two JSON values differ (keys in sorted order)."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted({*old, *new}):
            if key not in old or key not in new:
                return f"{path}.{key}".lstrip(".")
            found = first_difference(old[key], new[key], f"{path}.{key}")
            if found:
                return found
        return ""
    if isinstance(old, list) and isinstance(new, list):
        for i, (a, b) in enumerate(zip(old, new, strict=False)):
            found = first_difference(a, b, f"{path}[{i}]")
            if found:
                return found
        return path.lstrip(".") if len(old) != len(new) else ""
    same = canonical_json(old) == canonical_json(new)
    return "" if same else (path.lstrip(".") or "output")
