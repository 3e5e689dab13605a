# Copy to instance/config.py and adapt. Environment variables override these values.

# "development" (the default: a secret key is generated into instance/), or "production".
# ONBOARDING_ENV = "production"

# SECRET_KEY = "a long random string: python -c 'import secrets; print(secrets.token_hex(32))'"

# Default: SQLite in instance/onboarding.sqlite.
# SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://onboarding@localhost/onboarding"

# Outgoing mail; without MAIL_SERVER messages are written to instance/outbox/ as .eml files.
# MAIL_SERVER = "smtp.example.org"
# MAIL_PORT = 587
# MAIL_DEFAULT_SENDER = "parcours-assmat@example.org"

# Rate-limit counters: memory is fine for one host; share them in Redis across hosts.
# RATELIMIT_STORAGE_URI = "redis://127.0.0.1:6379/0"

# Number of reverse proxies that set X-Forwarded-For in front of the app.
# PROXY_COUNT = 1

# Départements where part-1 training is due 8 months (not 6) after the complete dossier.
# EXTENDED_TRAINING_DEPARTMENTS = ("23",)

# Map tiles of the parents' search; the origin is allowed in the Content-Security-Policy.
# MAP_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"

# Retention periods (RGPD), applied by `flask --app onboarding purge --wet-run` (e.g. nightly).
# RETENTION_WITHDRAWN_MONTHS = 24
# RETENTION_CONTACT_REQUEST_MONTHS = 6
