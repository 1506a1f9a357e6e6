"""有奖举报: reward points for residents' and volunteers' tips that became cases, with a ledger
that says why each tip paid or did not (rules.py: pure rules; service.py: reacting to the
workflow's events inside the filing's own transaction)."""
