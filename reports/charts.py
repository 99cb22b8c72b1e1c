"""Charts as inline SVG drawn on the server: no JavaScript, no CDN, nothing for a CSP to block.

The table below each chart stays the source of truth; a chart carries a <title> and a <desc>
listing its numbers, so a screen reader gets them too. Geometry is computed here; the
templates in ``reports/includes/`` only place it.
"""

from dataclasses import dataclass, field

from django.utils.formats import number_format

COLOURS = ("#0b6e99", "#2e8540", "#b35c00", "#6f42c1", "#c62828")


@dataclass
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float
    note: str = ""

    @property
    def centre(self):
        return round(self.x + self.width / 2, 1)

    @property
    def end(self):
        return round(self.x + self.width, 1)

    @property
    def value_text(self):
        return number_format(self.value, force_grouping=True)


@dataclass
class Chart:
    title: str
    kind: str  # "columns" (vertical, one per label) or "bars" (horizontal rows)
    width: int
    height: int
    colour: str
    bars: list = field(default_factory=list)

    @property
    def description(self):
        return "; ".join(
            f"{bar.label}: {bar.value_text}{' (' + bar.note + ')' if bar.note else ''}"
            for bar in self.bars
        )


def column_chart(title, items, colour=COLOURS[0], width=280, height=180):
    """Vertical columns, one per (label, value), on a scale starting at zero."""
    top, bottom = 22, 22  # room for the value above and the label below
    plot = height - top - bottom
    peak = max((value for _label, value in items), default=0) or 1
    slot = width / max(len(items), 1)
    bar_width = min(slot * 0.7, 48)
    bars = []
    for index, (label, value) in enumerate(items):
        bar_height = plot * value / peak
        bars.append(
            Bar(
                label=str(label),
                value=value,
                x=round(index * slot + (slot - bar_width) / 2, 1),
                y=round(top + plot - bar_height, 1),
                width=round(bar_width, 1),
                height=round(bar_height, 1),
            )
        )
    return Chart(title, "columns", width, height, colour, bars)


def bar_chart(
    title, items, colour=COLOURS[0], width=640, row_height=28, label_width=190, notes=None
):
    """Horizontal bars, one row per (label, value); ``notes`` (e.g. percentages) print after the value."""
    value_room = 110
    plot = width - label_width - value_room
    peak = max((value for _label, value in items), default=0) or 1
    bars = []
    for index, (label, value) in enumerate(items):
        bars.append(
            Bar(
                label=str(label),
                value=value,
                x=label_width,
                y=index * row_height + 4,
                width=round(max(plot * value / peak, 1 if value else 0), 1),
                height=row_height - 8,
                note=notes[index] if notes else "",
            )
        )
    return Chart(title, "bars", width, len(items) * row_height + 4, colour, bars)
