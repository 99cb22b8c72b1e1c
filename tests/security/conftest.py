import pytest
from django.core.cache import caches

PASSWORD = "correct-horse-battery"  # the factories' password
REDIS_CACHE_URL = "redis://127.0.0.1:6379/5"


def redis_reachable():
    import redis

    try:
        redis.Redis.from_url(REDIS_CACHE_URL, socket_connect_timeout=0.5).ping()
    except (redis.RedisError, OSError):
        return False
    return True


@pytest.fixture(params=["locmem", "redis"])
def real_cache(request, settings):
    """The rate limits on a per-process cache and on the shared Redis cache production uses."""
    if request.param == "redis":
        if not redis_reachable():
            pytest.skip(f"Redis is not reachable at {REDIS_CACHE_URL}")
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": REDIS_CACHE_URL,
            }
        }
    caches["default"].clear()
    yield caches["default"]
    caches["default"].clear()


# Hypothesis: modest example counts so the suite stays quick; HYPOTHESIS_PROFILE=thorough for more.
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

_COMMON = {
    "deadline": None,
    "database": None,  # no .hypothesis/ folder in the project
    "suppress_health_check": [
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
}
hypothesis_settings.register_profile("ci", max_examples=30, **_COMMON)
hypothesis_settings.register_profile("thorough", max_examples=300, **_COMMON)
hypothesis_settings.load_profile(__import__("os").environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # The browser tests here check the Content-Security-Policy, so it must not be bypassed.
    return {**browser_context_args, "bypass_csp": False}
