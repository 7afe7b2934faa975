"""Logs and metrics shared by the ERP, the gateway and the action server.

Standard library only: the action server imports `telemetry.logs` in the Rasa environment,
where neither the ERP's nor the gateway's dependencies exist (and `actions/` must not import
`erp_backend` or `bot`). See docs/reliability.md for the log format and the metrics.
"""
