"""Writes for sales: follow-up tasks and their SLAs, follow-up records, pipeline moves, the
script library and settings. Each operation is one atomic function that writes its audit event."""
