"""Real local servers the tests run against (loopback only)."""
