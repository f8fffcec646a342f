"""Approval chains (审批): routing matrix, node types, four-eyes actions, delegation."""
