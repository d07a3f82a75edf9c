"""The customer portal's billing side: a customer's own profile, subscriptions, usage and
payments (invoices, PDFs and tickets are served by hub.support.routes' `portal` router)."""
