"""API keys of a tenant: scoped, expiring, hashed, shown once, revocable."""
