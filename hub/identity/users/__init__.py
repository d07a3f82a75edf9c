"""Users of a tenant: who may grant which role, customer binding, audited changes."""
