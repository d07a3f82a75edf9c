"""Real servers for the test suite, started privately on free loopback ports.

Each module starts one kind of server and knows its gotchas (see ARCHITECTURE.md);
`plugin.py` turns them into session fixtures and reports their versions.
"""
