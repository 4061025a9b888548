"""REST API for assessments: the same services and visibility rules as the pages.

Writes to versioned rows (answers, operational data) need ``If-Match`` with the row's ETag:
428 without it, 412 when it is stale (the body then carries the current row)."""
