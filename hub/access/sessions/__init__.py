"""Subscriber sessions from RADIUS accounting, and CoA / Disconnect-Request to the NAS (issue
#19)."""
