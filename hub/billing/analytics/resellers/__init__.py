"""Resellers' totals for their ISP: customers, active subscriptions, MRR and this period's
invoicing of each reseller beneath the caller, never a reseller's individual customers."""
