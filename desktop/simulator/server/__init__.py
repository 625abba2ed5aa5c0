"""The server: the aiohttp application, its thread, and the tick pump."""
