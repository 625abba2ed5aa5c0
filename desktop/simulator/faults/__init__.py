"""Faults injected on demand: request faults, disruptions, market faults and scenarios."""
