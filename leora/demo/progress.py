"""A plain text progress bar for long commands: percentage, count and rate, redrawn in place."""

from __future__ import annotations

import time
from collections.abc import Callable


class ProgressBar:
    """Draws ``label [#####.....]  52%  156/300 customers  1,234/s`` on a terminal stream."""

    WIDTH = 30

    def __init__(
        self, write: Callable[[str], object], label: str, unit: str = "customers", min_interval: float = 0.2
    ) -> None:
        self.write = write
        self.label = label
        self.unit = unit
        self.min_interval = min_interval
        self.started = time.monotonic()
        self.last_drawn = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last_drawn < self.min_interval:
            return
        self.last_drawn = now
        fraction = done / total if total else 1.0
        filled = int(self.WIDTH * fraction)
        rate = done / max(now - self.started, 1e-6)
        bar = "#" * filled + "." * (self.WIDTH - filled)
        line = f"\r{self.label} [{bar}] {fraction:4.0%}  {done:,}/{total:,} {self.unit}  {rate:,.0f}/s"
        self.write(line + ("\n" if done >= total else ""))
