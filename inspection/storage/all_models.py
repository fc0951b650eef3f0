"""Imports every table module so ``SQLModel.metadata`` knows the whole schema."""

from inspection.storage import inspection_models, models

__all__ = ["inspection_models", "models"]
