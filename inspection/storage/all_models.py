"""Imports every table module so ``SQLModel.metadata`` knows the whole schema."""

from inspection.storage import draw_models, fee_models, inspection_models, models, oversight_models

__all__ = ["draw_models", "fee_models", "inspection_models", "models", "oversight_models"]
