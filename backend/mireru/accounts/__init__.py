"""Sign-in, users, project members and API keys over HTTP; the rules are in mireru.access."""
