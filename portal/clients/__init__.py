"""Clients as people: dated facts, the participatieladder, social-activation results, durable outflow, ESF facts."""
