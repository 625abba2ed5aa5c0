"""Scripted fault scenarios: their types, the catalogue and the runner on the tick clock."""
