"""Feed ingestion: fetch with httpx, parse with feedparser, sanitize, detect language, store."""
