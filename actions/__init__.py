"""Rasa SDK custom actions. They speak HTTP to the ERP (actions/erp_client.py) and never
import its code: this package runs in the Rasa environment (.venv-rasa).

The actions' own log lines are JSON objects with the turn's request id (telemetry/logs.py,
standard library only; LOG_FORMAT=text for a console). rasa_sdk's lines keep its format."""

import logging
import os

from telemetry.logs import configure_logging

configure_logging(
    os.environ.get("LOG_FORMAT", "json"), os.environ.get("LOG_LEVEL", "INFO"), logger="actions"
)
# A chat is logged as telemetry.logs.chat_tag(sender), keyed with LOG_HASH_KEY: the gateway's
# key, so one chat's lines in both processes carry the same tag.
if not os.environ.get("LOG_HASH_KEY"):
    logging.getLogger("actions").warning(
        "LOG_HASH_KEY is not set: chats are tagged with a key of this process only, so their "
        "log lines cannot be matched with the gateway's"
    )
