"""Every status change of an application (进件), checked here.

draft → submitted → approved | manual_review | declined (the pre-screen routes it);
manual_review → in_approval (the reviewer recommends approval) | declined | returned;
in_approval → approved | declined | returned; returned → submitted (resubmitted), in_approval
(the reviewer sends it on with the missing information) or cancelled;
approved → signed → disbursed. Drafts and returned applications can be cancelled.
"""

from __future__ import annotations

from lendcrm.applications.choices import ApplicationStatus as S
from lendcrm.applications.models import Application
from lendcrm.core.errors import Conflict

APPLICATION_TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SUBMITTED, S.CANCELLED}),
    S.SUBMITTED: frozenset({S.APPROVED, S.MANUAL_REVIEW, S.DECLINED, S.IN_APPROVAL}),
    S.MANUAL_REVIEW: frozenset({S.IN_APPROVAL, S.DECLINED, S.RETURNED}),
    S.IN_APPROVAL: frozenset({S.APPROVED, S.DECLINED, S.RETURNED}),
    S.RETURNED: frozenset({S.SUBMITTED, S.CANCELLED, S.IN_APPROVAL}),
    S.APPROVED: frozenset({S.SIGNED, S.CANCELLED}),
    S.SIGNED: frozenset({S.DISBURSED}),
    S.DECLINED: frozenset(),
    S.CANCELLED: frozenset(),
    S.DISBURSED: frozenset(),
}
EDITABLE = frozenset({S.DRAFT, S.RETURNED})


def can_move(application: Application, to: S) -> bool:
    return to in APPLICATION_TRANSITIONS[application.status]


def transition_application(application: Application, *, to: S) -> Application:
    """Set the status if the move is allowed; the caller saves inside its transaction."""
    if not can_move(application, to):
        raise Conflict(
            f"{application}: cannot go from {application.status} to {to}", field="status"
        )
    application.status = to
    return application
