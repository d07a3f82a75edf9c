"""HTTP layer shared by the domain routers: dependencies and the router list."""
