"""CSV import: orders from uploaded files and from export files fetched from a URL (see docs/csv-import.md)."""
