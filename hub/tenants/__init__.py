"""Tenants: ISP operators or resellers; every other row belongs to one."""
