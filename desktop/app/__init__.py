"""The composition root: command line, Qt application, asyncio loop, demo simulator, run modes.

The only package that sees every layer. Imports: everything in desktop except the simulator,
which demo mode runs as a child process by module name.
"""
