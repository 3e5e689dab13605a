"""The domain: models, the pathway engine and its rules, with no web code (no request, no view)."""
