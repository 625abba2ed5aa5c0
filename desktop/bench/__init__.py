"""Benchmarks that print their figures: run ``python -m desktop.bench ingest``.

A composition root like desktop.app: imports every layer, and the simulator only as a child
process.
"""
