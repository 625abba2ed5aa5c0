"""The v2 operations, one module per area, answering through the pipeline."""
