"""The hub runs the edge (issue #17): each agent's polling configuration, built from the
inventory, versioned, pushed on cmd/config and acknowledged on up/config; SNMP discoveries
run on a site's agent; bulk import/export of devices; what agents observed per device."""
