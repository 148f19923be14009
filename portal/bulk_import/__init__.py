"""Bulk import of a bureau's claims and placements from CSV (issue 13)."""
