"""Core services: the operations every door (bots, REST) calls."""
