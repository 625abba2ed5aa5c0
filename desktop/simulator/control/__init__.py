"""The control plane: the simulator's shared state and the token-guarded ``/_sim/`` routes."""
