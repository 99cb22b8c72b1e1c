"""Page weight on a slow phone: bytes each page transfers before any video plays.

Run against a seeded site (`make run` in another terminal), then `make bench`:

    .venv/bin/python bench/page_weight.py [--base http://127.0.0.1:8000]

It logs in as the demo trainee, opens the home page, the catalog, a course, a lesson
and the dashboard at a 360 px viewport in headless Chromium, and prints what each
transferred (HTML, CSS, JS, images), against the 150 KB budget of issue 2.
"""

import argparse
import sys

from playwright.sync_api import sync_playwright

BUDGET = 150 * 1024
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
MEASURE = """() => performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
  .filter(e => !e.name.includes('/video/'))
  .map(e => ({name: e.name, type: e.initiatorType, bytes: e.transferSize || e.encodedBodySize || 0}))"""


def measure(browser, storage_state, url):
    """A cold load (empty cache) in a fresh context that carries the login cookie."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, storage_state=storage_state)
    page = context.new_page()
    page.goto(url, wait_until="load")
    for _ in range(20):  # scroll down so lazy images load too
        page.mouse.wheel(0, 700)
        page.wait_for_timeout(100)
    page.wait_for_load_state("networkidle")
    entries = page.evaluate(MEASURE)
    context.close()
    by_type = {}
    for entry in entries:
        by_type[entry["type"]] = by_type.get(entry["type"], 0) + entry["bytes"]
    return sum(by_type.values()), by_type


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--email", default="trainee@mka.example")
    parser.add_argument("--password", default="mka-demo-trainee")
    args = parser.parse_args()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 360, "height": 740})
        page.goto(args.base + "/accounts/login/")
        page.fill("input[name=login]", args.email)
        page.fill("input[name=password]", args.password)
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state()

        page.goto(args.base + "/courses/")
        course_url = page.locator(".course-card a.card__media").first.get_attribute("href")
        page.goto(args.base + "/learn/")
        lesson_url = page.locator(".progress-item a.button").first.get_attribute("href")
        state = page.context.storage_state()

        pages = {
            "home": "/",
            "catalog": "/courses/",
            "course": course_url,
            "lesson": lesson_url,
            "dashboard": "/learn/",
        }
        failed = False
        print(f"{'page':<10} {'total':>9}  breakdown (bytes)")
        for name, path in pages.items():
            total, by_type = measure(browser, state, args.base + path)
            failed |= total > BUDGET
            detail = ", ".join(f"{kind}={size}" for kind, size in sorted(by_type.items()))
            flag = "" if total <= BUDGET else "  OVER BUDGET"
            print(f"{name:<10} {total / 1024:>7.1f}KB  {detail}{flag}")
        browser.close()
    print(f"budget: {BUDGET // 1024} KB per page before any video")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
