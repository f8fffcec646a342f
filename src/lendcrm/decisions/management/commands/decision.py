"""`lendcrm decision replay ID`: the same command as `lendcrm decisions`."""

from lendcrm.decisions.management.commands.decisions import Command

__all__ = ["Command"]
