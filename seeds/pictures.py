"""Pictures for the demo catalog, drawn with Pillow at seed time (no binary files to ship).

Covers are a gradient in the track's accent colour with the title on it; portraits are
a coloured disc with the lecturer's initials.
"""

import io
import textwrap
from functools import cache

from PIL import Image, ImageDraw, ImageFont

# Fonts installed by `make system-packages` (Noto) or found on most Debian machines (DejaVu).
_FONT_FILES = {
    True: [
        "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    ],
    False: [
        "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    ],
}


@cache
def _font(size, bold=False):
    for path in _FONT_FILES[bold]:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)  # Pillow's bundled font: always available


def _rgb(hex_colour):
    hex_colour = hex_colour.lstrip("#")
    return tuple(int(hex_colour[i : i + 2], 16) for i in (0, 2, 4))


def _mix(colour, other, share):
    return tuple(round(a + (b - a) * share) for a, b in zip(colour, other, strict=True))


def _gradient(size, start, end):
    """A diagonal gradient: a 2x2 image scaled up bilinearly is fast and smooth."""
    corners = Image.new("RGB", (2, 2))
    corners.putdata([start, _mix(start, end, 0.5), _mix(start, end, 0.5), end])
    return corners.resize(size, Image.Resampling.BILINEAR)


def _encode(image, fmt):
    buffer = io.BytesIO()
    if fmt == "JPEG":
        image.save(buffer, fmt, quality=82, optimize=True, progressive=True)
    else:
        image.save(buffer, fmt, optimize=True)
    return buffer.getvalue()


def cover(title, accent_colour, eyebrow="", badge="", size=(800, 450)):
    """A JPEG cover: gradient, decorative rings, an eyebrow line, the wrapped title, a badge."""
    width, height = size
    accent = _rgb(accent_colour)
    image = _gradient(size, _mix(accent, (255, 255, 255), 0.12), _mix(accent, (0, 0, 0), 0.45))
    draw = ImageDraw.Draw(image, "RGBA")
    for radius, alpha in ((300, 28), (210, 22), (120, 18)):
        centre = (width - 90, height - 60)
        draw.ellipse(
            [centre[0] - radius, centre[1] - radius, centre[0] + radius, centre[1] + radius],
            outline=(255, 255, 255, alpha),
            width=18,
        )
    margin = 48
    if eyebrow:
        draw.text(
            (margin, margin), eyebrow.upper(), font=_font(22, bold=True), fill=(255, 255, 255, 210)
        )
    title_font = _font(46, bold=True)
    lines = textwrap.wrap(title, width=26)[:4]
    y = height // 2 - len(lines) * 29
    for line in lines:
        draw.text((margin, y), line, font=title_font, fill="white")
        y += 58
    if badge:
        badge_font = _font(20, bold=True)
        left, top, right, bottom = draw.textbbox((0, 0), badge, font=badge_font)
        x, y = margin, height - margin - (bottom - top) - 16
        draw.rounded_rectangle(
            [x, y, x + right - left + 28, y + bottom - top + 16],
            radius=14,
            fill=(255, 255, 255, 235),
        )
        draw.text(
            (x + 14 - left, y + 8 - top), badge, font=badge_font, fill=_mix(accent, (0, 0, 0), 0.3)
        )
    draw.text(
        (width - margin, margin),
        "MKA e-class",
        font=_font(20),
        fill=(255, 255, 255, 190),
        anchor="ra",
    )
    return _encode(image, "JPEG")


def initials(name):
    """ "Prof. Kim Do-hyun" -> "KD": family name and given name, titles dropped."""
    words = [word for word in name.replace("-", " ").split() if not word.endswith(".")]
    return "".join(word[0] for word in words[:2]).upper()


def portrait(name, colour, size=256):
    """A PNG avatar: the initials in white on a disc of the lecturer's colour."""
    scale = 4  # draw large and scale down for smooth edges
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse([0, 0, big - 1, big - 1], fill=_rgb(colour))
    draw.text(
        (big / 2, big / 2),
        initials(name),
        font=_font(int(big * 0.38), bold=True),
        fill="white",
        anchor="mm",
    )
    return _encode(image.resize((size, size), Image.Resampling.LANCZOS), "PNG")
