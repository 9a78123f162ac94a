"""The budgeting API, version 1 (see vocaleyes/api)."""
