"""Rasa SDK custom actions. They speak HTTP to the ERP (actions/erp_client.py) and never
import its code: this package runs in the Rasa environment (.venv-rasa)."""
