"""The portal's settings, plus the trivial view that bench/load.py compares every page with."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.serve.urls"
