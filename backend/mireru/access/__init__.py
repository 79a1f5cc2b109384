"""Access control: users with roles per project, API keys, browser sessions, and the route policy."""
