"""The v2 data-transfer objects: simulated state turned into the spec's JSON shapes."""
