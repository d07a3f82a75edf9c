"""Credential sets: SNMP and SSH secrets per tenant (optionally per site), sealed at rest,
write-only through the API, pushed only to the agents whose devices use them."""
