"""Strategy pages: list, versions with their steps, the editors, lifecycle, diff, test panel,
decision records, the champion/challenger report and simulations.

Views parse, authorise (the access policy by URL name, plus the capability checks below for
buttons), call one service and render. Every write goes through decisions.services, which
validates, enforces maker-checker and writes the audit event.
"""
