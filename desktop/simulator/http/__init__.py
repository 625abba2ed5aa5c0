"""Low-level HTTP: the restartable listening socket and the router."""
