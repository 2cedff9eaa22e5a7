import pytest


@pytest.fixture(autouse=True)
def _private_file_cache(settings, tmp_path):
    """Sign-in limits and used two-factor codes live in the cache. The default file cache is
    var/cache, shared with `make run` and any other test run on this machine, which could
    clear or fill it halfway through a test: each test here gets its own, empty one, with
    the same backend. A Redis cache (CI) is left as configured."""
    default = settings.CACHES["default"]
    if default["BACKEND"].endswith("FileBasedCache"):
        settings.CACHES = {"default": {**default, "LOCATION": str(tmp_path / "cache")}}
