"""How long each report page takes on a large data set, next to a trivial admin page.

    .venv/bin/python bench/reports.py [--database-url postgres://postgres@127.0.0.1:5432/mka_bench]
                                      [--repeat 15] [--rebuild]

Builds (once; later runs reuse it) the data set of ``bench/dataset.py`` on PostgreSQL:
100,000 learners, 1,000 courses, about 300,000 enrollments, 1,000,000 lesson-progress rows,
200,000 exam attempts, a certificate per completion. Then requests each report page through
Django's test client as a superuser, interleaved with Wagtail's "Locked pages" report (the
same admin chrome and report machinery, a couple of queries: the baseline), and prints
p50/p95, the ratio of the p50s and the number of queries per page.
"""

import argparse
import logging
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import dataset


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=dataset.DEFAULT_DATABASE_URL)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument(
        "--rebuild", action="store_true", help="delete the bench rows and build them again"
    )
    args = parser.parse_args()

    started = time.monotonic()
    dataset.setup_django(args.database_url)
    logging.disable(logging.INFO)  # page publishing and eager tasks log a line each
    print(f"database: {args.database_url}")
    sizes = dataset.ensure(rebuild=args.rebuild)
    print(f"data set ready in {time.monotonic() - started:.0f} s")

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.urls import reverse

    from courses.models import CoursePage, Enrollment, LessonProgress, TrackPage
    from lms.accounts.factories import StaffUserFactory
    from lms.accounts.models import User

    setup_test_environment()  # the test client's host name, no real e-mail
    counts = {
        "learners": User.objects.filter(email__endswith=dataset.EMAIL_DOMAIN).count(),
        "courses": CoursePage.objects.count(),
        "enrollments": Enrollment.objects.count(),
        "lesson progress": LessonProgress.objects.count(),
    }
    print(
        "rows: "
        + ", ".join(f"{name} {value:,}" for name, value in counts.items())
        + f"  (stages: {sizes})"
    )

    admin = StaffUserFactory(email="bench-admin@mka.example", is_superuser=True)
    client = Client()
    client.force_login(admin)
    track = TrackPage.objects.filter(slug="bench-track-3").first()
    course = CoursePage.objects.filter(slug="bench-course-17").first()
    pages = {
        "baseline: Locked pages report": reverse("wagtailadmin_reports:locked_pages"),
        "yearly figures": reverse("reports_yearly_figures"),
        "yearly, one country": reverse("reports_yearly_figures") + "?country=KZ",
        "yearly, one track": reverse("reports_yearly_figures") + f"?track={track.pk}",
        "per country": reverse("reports_countries"),
        "per country, 2024 only": reverse("reports_countries")
        + "?date_from=2024-01-01&date_to=2024-12-31",
        "funnel (page 1 of 20)": reverse("reports_course_funnel"),
        "funnel, one track": reverse("reports_course_funnel") + f"?track={track.pk}",
        "funnel, one course": reverse("reports_course_funnel") + f"?course={course.pk}",
        "funnel CSV (1,000 courses)": reverse("reports_course_funnel") + "?export=csv",
        "yearly CSV": reverse("reports_yearly_figures") + "?export=csv",
    }

    def fetch(url):
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
        assert response.status_code == 200, (url, response.status_code)

    queries = {}
    for name, url in pages.items():
        fetch(url)  # warm-up: caches, first-use imports
        with CaptureQueriesContext(connection) as captured:
            fetch(url)
        queries[name] = len(captured.captured_queries)

    timings = {name: [] for name in pages}
    for _ in range(args.repeat):
        for name, url in pages.items():  # interleaved: every page sees the same machine load
            start = time.perf_counter()
            fetch(url)
            timings[name].append(time.perf_counter() - start)

    baseline = statistics.median(timings["baseline: Locked pages report"])
    print(f"\n{args.repeat} requests per page, interleaved\n")
    print(
        f"| {'page':<30} | {'p50 (ms)':>8} | {'p95 (ms)':>8} | {'p50 / baseline':>14} | {'queries':>7} |"
    )
    print(f"|{'-' * 32}|{'-' * 10}:|{'-' * 10}:|{'-' * 16}:|{'-' * 9}:|")
    for name, values in timings.items():
        p50 = statistics.median(values)
        print(
            f"| {name:<30} | {p50 * 1000:>8.0f} | {percentile(values, 0.95) * 1000:>8.0f} "
            f"| {p50 / baseline:>13.1f}x | {queries[name]:>7} |"
        )


if __name__ == "__main__":
    main()
