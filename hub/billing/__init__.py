"""Billing: customers, plans, subscriptions, invoices, payments, ledger, dunning, tickets."""
