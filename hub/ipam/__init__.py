"""IP address management: prefixes, pools, allocations bound to subscriptions, and VLAN pools
(issue #19)."""
