"""Reviewing milestone claims: the contract manager approves, rejects or revokes with a reason."""
