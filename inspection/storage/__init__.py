"""Persistence: the engine and transaction scope, and the SQLModel tables."""
