"""The auditor's workspace: the verified audit trail, its viewer and exports, and assurance sampling."""
