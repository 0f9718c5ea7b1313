"""How the app writes sizes: one convention everywhere."""
from __future__ import annotations

BYTE_UNITS = ("bytes", "kB", "MB", "GB", "TB")     # powers of 1000, as disks and downloads count


def format_bytes(n: int | float) -> str:
    """A byte count in decimal units with three significant digits: 512 -> '512 bytes',
    2560 -> '2.56 kB', 40000 -> '40 kB', 47040000 -> '47 MB' (1 kB = 1,000 bytes)."""
    value = float(n)
    if value < 1000:
        return f"{int(value):,} bytes"
    for unit in BYTE_UNITS[1:]:
        value /= 1000
        if value < 999.5:
            return f"{value:.3g} {unit}"
    return f"{value:,.0f} TB"
