"""The timecredits API, version 1 (see vocaleyes/api)."""
