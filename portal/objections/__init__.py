"""Objections (bezwaren): the bureau objects to a withheld settlement line; the contract manager decides."""
