"""Inventory: sites (POPs), the edge agents in them, and the devices they poll."""
