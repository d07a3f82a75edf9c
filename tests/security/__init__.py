"""Attacks on the running system, one file per threat (docs/security.md names each one)."""
