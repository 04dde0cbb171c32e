"""A platform endpoint that redirects is refused, never followed: a redirected POST would
turn into a GET that "succeeds" without writing the shipment or stock it carried."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from ecerp_desktop.connectors.base import ConnectorError
from ecerp_desktop.connectors.http import HttpClient


class _Redirecting(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_POST(self) -> None:
        self.hits.append(self.path)
        self.send_response(301)
        self.send_header("Location", "/elsewhere")
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST

    def log_message(self, *args: object) -> None:
        pass


def test_redirect_is_refused_and_not_followed() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Redirecting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        client = HttpClient(platform="taobao")
        with pytest.raises(ConnectorError) as info:
            client.post_form(f"http://127.0.0.1:{server.server_port}/router/rest",
                             {"method": "taobao.logistics.offline.send"})
        assert info.value.code == "redirect" and not info.value.retryable
        assert _Redirecting.hits == ["/router/rest"]  # the redirect target was never asked
    finally:
        server.shutdown()
        server.server_close()
