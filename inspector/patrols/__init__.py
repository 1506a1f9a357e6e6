"""Patrol plans (巡查): assignments, on-site check-ins, missed patrols."""
