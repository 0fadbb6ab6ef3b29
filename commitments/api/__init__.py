"""The public REST API v1: read-only published data for everyone, writes for editors."""
