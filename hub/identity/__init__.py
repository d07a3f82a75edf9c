"""Identity: users, sessions and refresh tokens, API keys, JWT signing keys."""
