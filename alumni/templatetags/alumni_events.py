"""``{% event_time value event display_zone %}``: a time people in any country read right.

Without JavaScript the text is the time in the visitor's known zone (chosen, or from their
profile country), else the event's own zone, always with the zone's name and UTC offset.
``alumni/js/events.js`` rewrites the text to the browser's zone; the ``datetime`` attribute
is the instant in UTC.
"""

import datetime

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html

register = template.Library()


def utc_offset(moment):
    offset = moment.utcoffset() or datetime.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def zone_label(zone):
    return zone.key.split("/")[-1].replace("_", " ")


@register.simple_tag
def event_time(value, event, display_zone=None, style="full"):
    if value is None:
        return ""
    zone = display_zone or event.zone
    local = timezone.localtime(value, zone)
    if style == "time":
        text = formats.time_format(local, "H:i")
    else:
        text = f"{formats.date_format(local, 'D j M Y')}, {formats.time_format(local, 'H:i')}"
    zone_text = f"({zone_label(zone)}, {utc_offset(local)})"
    # The Latin zone name is isolated left to right: in an Arabic line the bidi algorithm would
    # otherwise split "(Seoul, UTC+09:00)" around the date.
    return format_html(
        '<time datetime="{}" data-local-time="{}" title="{}">{} <bdi dir="ltr">{}</bdi></time>',
        value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        style,
        f"{text} {zone_text}",
        text,
        zone_text,
    )


@register.simple_tag
def event_local_time(value, event):
    """The wall-clock time at the event (its own zone), never rewritten by the browser."""
    local = timezone.localtime(value, event.zone)
    return format_html(
        '{}, {} <bdi dir="ltr">{} ({})</bdi>',
        formats.date_format(local, "D j M"),
        formats.time_format(local, "H:i"),
        zone_label(event.zone),
        utc_offset(local),
    )
