"""Schedules: billing runs, dunning, rating, backups, retention on time, exactly once per due
time across hub processes (issue #20)."""
