"""Agent enrollment: one-time tokens per site, exchanged for an agent id and broker login."""
