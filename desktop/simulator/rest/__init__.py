"""The REST surface: the v2 request pipeline, the v2 operations with their DTOs, v1 and platforms."""
