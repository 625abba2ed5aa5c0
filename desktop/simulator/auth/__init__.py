"""OAuth2 client credentials: the token endpoint and bearer-token checks."""
