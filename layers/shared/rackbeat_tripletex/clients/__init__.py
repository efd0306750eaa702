"""HTTP clients for the two APIs: auth, paging, rate limits, retries, typed errors."""
