"""Multi-lending (多头借贷) data: how often a subject applied elsewhere, behind a Protocol."""
