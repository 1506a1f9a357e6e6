"""Findings lists (问题清单) from 暗访, expert groups and leaders' inspections, tracked to 销号."""
