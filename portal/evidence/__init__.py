"""Evidence files: checked by content, stored immutably under their SHA-256, served only as downloads."""
