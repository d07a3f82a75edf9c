"""Billing: customers, plans, subscriptions, invoices, payments, ledger, dunning.

Where things are:
- `models.py`, `schemas.py`, `routes.py`: tables, API bodies, the thin endpoints.
- `repository/`: every query of billing, one module per subject (customers and payments,
  subscriptions, invoices, dunning, usage) and the row locks that order concurrent changes.
- `service.py`: the use cases behind the routes, one transaction each. The rules they apply
  live beside it, one idea per module: `lifecycle.py` (subscription states), `invoicing.py`
  with `charges.py`, `adjustments.py` and `money.py` (what is billed and how it rounds),
  `payments.py` (allocation, credit, refunds), `dunning.py` (overdue steps), `network.py`
  (the network action each transition requests).
- `events.py`, `webhooks.py`: the facts billing announces and their webhook payloads.
- `analytics/`: business figures (MRR, ARPU, churn, revenue, aging) with the same skeleton.
"""
