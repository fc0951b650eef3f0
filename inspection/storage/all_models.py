"""Imports every table module so ``SQLModel.metadata`` knows the whole schema."""

from inspection.storage import fee_models, inspection_models, models

__all__ = ["fee_models", "inspection_models", "models"]
