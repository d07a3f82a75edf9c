"""Support tickets: opened by customers or staff, commented, timed."""
