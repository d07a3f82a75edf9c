"""Audit log of security events, queryable by admins."""
