"""Contracts (合同): generated per product template, PAdES-signed by the lender, accepted by the customer."""
