"""The load bench's settings: the product's own, with the bench's URLs (``load_urls``), which
add a trivial view for the ceiling. Nothing of the product imports this module."""

from vocaleyes.settings import *  # noqa: F403 (the product's settings, unchanged but for the URLs)

ROOT_URLCONF = "load_urls"
