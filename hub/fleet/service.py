"""Fleet service (placeholder: filled by the fleet core)."""
