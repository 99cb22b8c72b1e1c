"""How long a certificate PDF takes, next to a plain one-page WeasyPrint render.

    .venv/bin/python bench/certificate_render.py [--count 50]

Renders ``count`` certificates with names in Latin, Cyrillic, Arabic, Chinese, Korean and
Mongolian script (unsaved Certificate objects: no database needed) and, in the same run,
as many renders of a plain one-page HTML document. Reports the medians and their ratio,
so the number means something on any machine. The first render of each kind is a
warm-up (fontconfig, Pango and the font files load once per process) and is reported
apart.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings")

import django

django.setup()

import logging

# WeasyPrint logs every layout step at INFO (some at import); the settings' root logger
# would print them all.
logging.getLogger("weasyprint").setLevel(logging.WARNING)

from weasyprint import HTML

from certificates.models import Certificate
from certificates.rendering import render_certificate_pdf

NAMES = [
    ("Aziz Karimov", "Азиз Каримов"),
    ("Fatima Al-Zahra", "فاطمة الزهراء"),
    ("Wang Wei", "王伟"),
    ("Kim Min-jun", "김민준"),
    ("Batbayar Dorj", "ᠪᠠᠲᠤᠪᠠᠶᠠᠷ"),
    ("Nguyen Van An", ""),
]

PLAIN_HTML = """<!DOCTYPE html><html><head><meta charset="utf-8"><style>
@page { size: A4 landscape; margin: 20mm; } body { font-family: "Noto Sans", sans-serif; }
</style></head><body><h1>Plain page</h1><p>A paragraph of Latin text, nothing else.</p>
</body></html>"""


def certificate(i):
    latin, native = NAMES[i % len(NAMES)]
    return Certificate(
        holder_name_latin=latin,
        holder_name_native=native,
        course_title="Echocardiography Basics for Clinical Practice",
        track_title="Cardiology",
        cme_credit_hours=Decimal("12.0"),
        credit_type="AMA PRA Category 1 Credit-equivalent",
        completed_on=datetime.date(2026, 11, 23),
        issuer="Medical Korea Academy, Republic of Korea",
        serial=f"MKA-2026-{i:06d}",
        public_code=f"bench-{i:06d}-abcdefghijkl",
    )


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=50)
    args = parser.parse_args()

    first_cert, _ = timed(lambda: render_certificate_pdf(certificate(0)))
    first_plain, _ = timed(lambda: HTML(string=PLAIN_HTML).write_pdf())

    cert_times, plain_times, sizes = [], [], []
    for i in range(1, args.count + 1):
        # Interleaved, so both see the same machine load.
        cert = certificate(i)
        seconds, pdf = timed(lambda cert=cert: render_certificate_pdf(cert))
        cert_times.append(seconds)
        sizes.append(len(pdf))
        plain_times.append(timed(lambda: HTML(string=PLAIN_HTML).write_pdf())[0])

    cert_median = statistics.median(cert_times)
    plain_median = statistics.median(plain_times)
    print(f"certificates rendered:        {args.count} (scripts mixed: {len(NAMES)} names in turn)")
    print(
        f"first render in process:      certificate {first_cert:.3f} s, plain {first_plain:.3f} s"
    )
    print(f"median certificate:           {cert_median:.3f} s  (max {max(cert_times):.3f} s)")
    print(f"median plain one-page HTML:   {plain_median:.3f} s")
    print(f"ratio certificate / plain:    {cert_median / plain_median:.1f}x")
    print(f"median PDF size:              {statistics.median(sizes) / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
