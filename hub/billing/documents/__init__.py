"""Invoice and credit-note PDFs: the tenant's billing profile (legal name, address, tax id,
logo), the document rendered once when an invoice or credit note is finalized (bytes and
SHA-256 stored, never rendered again), the API that serves it, and the mail that sends it.

- `models.py`, `schemas.py`, `routes.py`: tables, API bodies, the endpoints.
- `content.py`: what a document says, read from the invoice (pure data, money formatted).
- `render.py`: the PDF (ReportLab) of that content.
- `issue.py`: the finalization handler (render, store, stage the mail) and on-demand drafts.
- `mailer.py`, `runner.py`: the worker that mails staged documents over SMTP.
"""
