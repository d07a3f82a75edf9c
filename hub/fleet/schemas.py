"""Fleet schemas (placeholder: filled by the fleet core)."""
