"""Contracts in beheer: new contracts from a form, contract terms as numbered versions, amendments with four eyes."""
