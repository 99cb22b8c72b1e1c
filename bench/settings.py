"""The site's settings for the page benchmark (``bench/pages.py``): production-like, local.

DEBUG off (no query log, cached templates), the benchmark's URLs (the site's plus a bare
view), no rate limit on certificate look-ups (the benchmark asks for one page hundreds of
times from one address) and no password hashing cost (sessions are made directly).
"""

from lms.settings import *  # noqa: F403 -- the benchmark runs the real settings, with a few changes

DEBUG = False
ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
RATELIMIT_ENABLE = False
CERTIFICATE_LOOKUPS_RATE = "1000000/m"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
