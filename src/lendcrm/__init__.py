"""lendcrm: a lending CRM and risk-decision platform."""

__version__ = "0.1.0"
