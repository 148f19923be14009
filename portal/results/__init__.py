"""Meten: results against the norm per contract, bureau, segment, target group and municipality (issue 8).

Every cohort figure is the settlement engine's cohort: facts come from `finance.facts`,
the engine evaluates, `settlement.forecast` reads its answer. Nothing here re-states a rule.
"""
