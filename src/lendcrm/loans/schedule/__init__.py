"""Internals of the repayment-schedule engine; the public interface is lendcrm.loans.schedules."""
