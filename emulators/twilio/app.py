"""The Twilio emulator's HTTP surface: the Messages API (as the ``twilio`` SDK calls it), a
page listing the messages per phone where one can type an answer, and a test driver."""

from __future__ import annotations

import base64
import html
import json
import re
from http import HTTPStatus
from urllib.parse import parse_qsl

from emulators.twilio import listing
from emulators.twilio.courier import Courier
from emulators.twilio.state import API_VERSION, TwilioFault, TwilioState

MESSAGES = re.compile(
    rf"^/{API_VERSION}/Accounts/(?P<account>AC\w+)/Messages(?:/(?P<sid>SM\w+))?\.json$"
)
UNAUTHORIZED = TwilioFault(
    401, 20003, "Authenticate", "Your AccountSid or AuthToken was incorrect."
)
STYLE = """body{font-family:system-ui,sans-serif;background:#f4f5f8;margin:0;color:#21262c}
main{max-width:560px;margin:32px auto;background:#fff;border-radius:10px;padding:24px}
.in{background:#eef;margin:6px 30% 6px 0}.out{background:#e6f6ec;margin:6px 0 6px 30%}
.in,.out{padding:8px 10px;border-radius:8px;white-space:pre-wrap}.muted{color:#6b6c72;
font-size:.8rem}input{padding:8px;width:70%}button{padding:8px 14px}"""


class TwilioApp:
    def __init__(self, state: TwilioState, courier: Courier, our_number: str):
        self.state, self.courier, self.our_number = state, courier, our_number

    def __call__(self, environ, start_response):
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "/")
        form = self._form(environ) if method == "POST" else {}
        try:
            status, headers, body = self._route(method, path, form, environ)
        except TwilioFault as fault:
            status, headers = fault.status, [("Content-Type", "application/json")]
            body = json.dumps(fault.body())
        start_response(f"{status} {HTTPStatus(status).phrase}", headers)
        return [body.encode()]

    def _route(self, method, path, form, environ):
        match = MESSAGES.match(path)
        if match:
            account = match["account"]
            self._authenticate(environ, account)
            if method == "POST" and not match["sid"]:
                message = self.state.create_message(form, account)
                self.courier.message_created(message, form.get("StatusCallback", ""))
                return self._json(201, message)
            if method == "GET" and not match["sid"]:
                query = dict(parse_qsl(environ.get("QUERY_STRING", "")))
                return self._json(
                    200, listing.page(account, self.state.messages_of(account), query)
                )
            if method == "GET" and match["sid"]:
                message = self.state.messages.get(match["sid"])
                if message is None or message["account_sid"] != account:
                    raise TwilioFault(404, 20404, f"The requested resource {path} was not found")
                return self._json(200, message)
        if path == "/_emulator/inbound" and method == "POST":
            message, webhook = self.courier.inbound(
                form.get("From", ""), form.get("To") or self.our_number, form.get("Body", "")
            )
            if form.get("page"):
                return 303, [("Location", "/")], ""
            return self._json(200, {"message": message, "webhook_status": webhook})
        if path == "/" and method == "GET":
            return 200, [("Content-Type", "text/html; charset=utf-8")], self._page()
        raise TwilioFault(404, 20404, f"The requested resource {path} was not found")

    def _authenticate(self, environ, account: str) -> None:
        header = environ.get("HTTP_AUTHORIZATION", "")
        try:
            user, _, password = (
                base64.b64decode(header.removeprefix("Basic ")).decode().partition(":")
            )
        except ValueError:
            raise UNAUTHORIZED from None
        token = self.state.token_for(user)
        if token is None or password != token:
            raise UNAUTHORIZED
        if account != user:
            raise TwilioFault(404, 20404, "The requested resource was not found")

    @staticmethod
    def _form(environ) -> dict[str, str]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        return dict(parse_qsl(environ["wsgi.input"].read(length).decode(), keep_blank_values=True))

    @staticmethod
    def _json(status: int, payload: dict):
        return status, [("Content-Type", "application/json")], json.dumps(payload)

    def _account_note(self, message: dict) -> str:
        """Which account a message belongs to, when it is not the default one."""
        if message["account_sid"] == self.state.account_sid:
            return ""
        return f" · account {html.escape(message['account_sid'])}"

    def _page(self) -> str:
        sections = []
        for phone, messages in sorted(self.state.conversations().items()):
            bubbles = "".join(
                f'<div class="{"in" if m["direction"] == "inbound" else "out"}">'
                f"{html.escape(m['body'])}<div class=muted>{html.escape(m['status'])} · "
                f"{m['num_segments']} segment(s) · {html.escape(m['date_created'])}"
                f"{self._account_note(m)}</div></div>"
                for m in messages
            )
            ours = next((m["from"] for m in messages if m["direction"] != "inbound"), "")
            sections.append(
                f"<h2>{html.escape(phone)}</h2>{bubbles}"
                "<form method=post action=/_emulator/inbound><input type=hidden name=page value=1>"
                f'<input type=hidden name=From value="{html.escape(phone)}">'
                f'<input type=hidden name=To value="{html.escape(ours or self.our_number)}">'
                f'<input name=Body placeholder="Answer as {html.escape(phone)} (STOP, START…)">'
                f"<button>Send</button></form>"
            )
        return (
            '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Twilio emulator'
            f"</title><style>{STYLE}</style></head><body><main><h1>Twilio emulator: messages</h1>"
            f"{''.join(sections) or '<p class=muted>No messages yet.</p>'}</main></body></html>"
        )
