"""The application status moves the approval chain makes: into approval (from review, or after
a return), and out of it with a decision. The table itself is applications.transitions."""

from __future__ import annotations

from lendcrm.applications.choices import ApplicationStatus as S
from lendcrm.applications.models import Application
from lendcrm.applications.transitions import can_move, transition_application

__all__ = ["can_start_approval", "transition_application"]


def can_start_approval(application: Application) -> bool:
    return can_move(application, S.IN_APPROVAL)
