"""The conversations API, version 1 (see vocaleyes/api)."""
