"""Fleet repository (placeholder: filled by the fleet core)."""
