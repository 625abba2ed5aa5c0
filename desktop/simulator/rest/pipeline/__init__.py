"""The v2 request pipeline: envelope, parameters, idempotency, execution and dispatch."""
