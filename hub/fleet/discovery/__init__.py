"""Discoveries: SNMP sweeps of a site's networks run by its agent; candidates; adoption."""
