"""Tests of the WebAPI simulator (desktop.simulator)."""
