"""The service hall: reads the directories (bills and payments come with the single fee, 一费制)."""

from __future__ import annotations

from clients.facades.readers import DirectoryReader


class ServiceHallClient(DirectoryReader):
    """The service hall (政务服务大厅) that collects the single fee (一费制); it reads the fee
    catalogue now, bills and payments arrive with the fee workflow."""
