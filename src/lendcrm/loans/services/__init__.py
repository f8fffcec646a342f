"""Writes of the loans app, one module per sub-topic.

credit_lines (授信, 调额, 调价, 冻结), drawdowns (用信, single loans, disbursement), repayments
(posting, prepayment, reversal), webhooks, reconciliation, ledger, end_of_day.
"""
