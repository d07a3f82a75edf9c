"""Alarms: device events and telemetry become alarms with a lifecycle the NOC works with
(raise, acknowledge, clear, close; dedupe, flapping, maintenance, shelving, correlation,
customer impacts, tickets), announced as `AlarmChanged` for notifications."""
