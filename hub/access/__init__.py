"""Subscriber access: NAS registry, subscriber credentials and the RADIUS answers FreeRADIUS
asks the hub for (issue #19)."""
