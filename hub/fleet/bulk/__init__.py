"""Bulk import and export of devices as CSV."""
