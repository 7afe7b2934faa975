"""`python -m rasa_gateway.action_server`: `rasa run actions`, answering Rasa only.

The action server acts for whichever chat the tracker it is sent names (its ERP calls carry
that chat's identity with the service key), so a request that reached it from anywhere but
Rasa could act as any linked chat. rasa-sdk checks nothing; this entry point is rasa-sdk's own
(`rasa_sdk.endpoint.create_app`, its argument parser: --port, --actions and the logging
flags; --cors, the SSL flags and --auto-reload are not used) with one check in front of
the webhook:
Rasa's action endpoint sends `X-Action-Token` (endpoints.yml, `headers:`), the shared secret
ACTION_SERVER_TOKEN, compared in constant time. No CORS: no browser page has business here.
"""

from __future__ import annotations

import hmac
import logging
import os

from rasa_sdk import utils
from rasa_sdk.constants import APPLICATION_ROOT_LOGGER_NAME
from rasa_sdk.endpoint import create_app, create_argument_parser
from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

TOKEN_HEADER = "X-Action-Token"  # noqa: S105 (a header name)
MIN_TOKEN_LENGTH = 32

log = logging.getLogger(__name__)


def main() -> None:
    args = create_argument_parser().parse_args()
    token = os.environ.get("ACTION_SERVER_TOKEN", "")
    if len(token) < MIN_TOKEN_LENGTH or token.startswith("change-me"):
        raise SystemExit(
            f"ACTION_SERVER_TOKEN must be a secret of at least {MIN_TOKEN_LENGTH} characters "
            "(the same one Rasa's endpoints.yml sends): the action server answers Rasa only."
        )
    utils.configure_colored_logging(args.loglevel)
    utils.configure_file_logging(
        logging.getLogger(APPLICATION_ROOT_LOGGER_NAME),
        args.log_file,
        args.loglevel,
        args.logging_config_file,
    )
    utils.update_sanic_log_level()
    app = create_app(args.actions, cors_origins=None)
    expected = token.encode()

    @app.on_request
    async def from_rasa_only(request: Request) -> HTTPResponse | None:
        if request.method == "GET" and request.path == "/health":
            return None
        given = request.headers.get(TOKEN_HEADER, "").encode()
        if hmac.compare_digest(given, expected):
            return None
        log.warning("refused an action call without Rasa's token")
        return response.json(
            {"code": "UNAUTHENTICATED", "message": "Only Rasa may call the action server."},
            status=401,
        )

    host = os.environ.get("SANIC_HOST", "127.0.0.1")
    app.run(host, args.port, workers=utils.number_of_sanic_workers())


if __name__ == "__main__":
    main()
