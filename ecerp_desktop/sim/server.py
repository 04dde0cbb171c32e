"""The threaded loopback HTTP server every platform simulator is built on.

A simulator subclasses :class:`SimServer` and implements :meth:`SimServer.handle`, which
takes a :class:`SimRequest` and returns a :class:`SimResponse`. The base class does the
HTTP (keep-alive, HTTP/1.1), the fault injection (see ``faults.py``) and the lifecycle::

    with MySim(faults="http500=0.1") as sim:      # 127.0.0.1, ephemeral port
        requests.get(sim.url + "/x")
    sim = MySim(port=8080); sim.start(); ...; sim.stop()   # or sim.serve_forever()

Override :meth:`SimServer.rate_limited` to answer rate limits in the platform's own shape
(the default is HTTP 429 with ``Retry-After``). Only the standard library is used here.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from ecerp_desktop.domain.platform_order import PlatformOrder
from ecerp_desktop.sim.faults import FaultInjector, FaultSpec
from ecerp_desktop.sim.generator import OrderBook, OrderGenerator

_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
HTML_ERROR_PAGE = (b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>"
                   b"<body><h1>\xe7\xb3\xbb\xe7\xbb\x9f\xe7\xb9\x81\xe5\xbf\x99</h1>"
                   b"<p>Tengine</p></body></html>")


@dataclass(slots=True)
class SimRequest:
    """One HTTP request as a simulator sees it."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: bytes = b""

    def params(self) -> dict[str, str]:
        """Query string merged with a form-urlencoded body, or with the top level of a JSON
        object body (values turned into strings, as signing sees them)."""
        out = dict(self.query)
        if not self.body:
            return out
        ctype = self.headers.get("content-type", "")
        if "json" in ctype:
            obj = self.json()
            if isinstance(obj, dict):
                for k, v in obj.items():
                    out[k] = v if isinstance(v, str) else json.dumps(v, ensure_ascii=False,
                                                                     separators=(",", ":"))
        else:
            out.update(parse_qsl(self.body.decode("utf-8", "replace"), keep_blank_values=True))
        return out

    def json(self) -> Any:
        """The JSON body, or None when it is not JSON."""
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            return None


@dataclass(slots=True)
class SimResponse:
    """What to send back."""

    status: int = 200
    body: bytes = b""
    content_type: str = "application/json;charset=UTF-8"
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, payload: Any, status: int = 200, **headers: str) -> SimResponse:
        """*payload* is an object to encode, or an already-encoded JSON ``str``."""
        text = payload if isinstance(payload, str) else json.dumps(
            payload, ensure_ascii=False, separators=(",", ":"))
        return cls(status=status, body=text.encode("utf-8"), headers=dict(headers))


class SimServer:
    """Base of every simulator: a ThreadingHTTPServer on loopback plus a fault injector.

    ``faults`` is a SPEC string, a FaultSpec or a FaultInjector. ``request_log`` keeps the
    last requests (method, path, query) for tests.
    """

    platform = "generic"

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0,
                 faults: str | FaultSpec | FaultInjector | None = None,
                 clock_offset: float = 0.0) -> None:
        self.faults = faults if isinstance(faults, FaultInjector) else FaultInjector(faults)
        self.clock_offset = clock_offset  # the platform's clock − the real one, seconds
        self.request_log: deque[tuple[str, str, dict[str, str]]] = deque(maxlen=200)
        self.requests_served = 0
        self._host, self._port = host, port
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._count_lock = threading.Lock()

    # -- to override -------------------------------------------------------------------
    def handle(self, request: SimRequest) -> SimResponse:
        raise NotImplementedError

    def rate_limited(self, request: SimRequest, retry_after: int,
                     platform_code: bool) -> SimResponse:
        """The answer to a rate-limited request. *platform_code* is True for the platform's
        own rate-limit error (code 7 on Taobao) and False for a plain HTTP 429."""
        return SimResponse.json({"error": "Too Many Requests"}, status=429,
                                **{"Retry-After": str(retry_after)})

    def now(self) -> datetime:
        """The simulated platform's clock (checks of request timestamps, ``Date``)."""
        return datetime.now(UTC) + timedelta(seconds=self.clock_offset)

    # -- lifecycle ---------------------------------------------------------------------
    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>`` once started."""
        if self._httpd is None:
            raise RuntimeError("simulator not started")
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def port(self) -> int:
        return 0 if self._httpd is None else int(self._httpd.server_address[1])

    def _bind(self) -> ThreadingHTTPServer:
        if self._httpd is None:
            self._httpd = ThreadingHTTPServer((self._host, self._port), _make_handler(self))
            self._httpd.daemon_threads = True
        return self._httpd

    def bind(self) -> SimServer:
        """Open the listening socket now (so ``url`` is known) without serving yet; then
        :meth:`serve_forever` in this thread or :meth:`start` in a background one."""
        self._bind()
        return self

    def start(self) -> SimServer:
        """Serve in a background thread; returns self."""
        httpd = self._bind()
        self._thread = threading.Thread(target=httpd.serve_forever, name=f"sim-{self.platform}",
                                        kwargs={"poll_interval": 0.1}, daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread until :meth:`stop` (from another thread) or Ctrl-C."""
        self._bind().serve_forever(poll_interval=0.2)

    def stop(self) -> None:
        """Stop serving and close the socket."""
        httpd, self._httpd = self._httpd, None
        if httpd is not None:
            httpd.shutdown()
            httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> SimServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- dispatch ----------------------------------------------------------------------
    def _dispatch(self, request: SimRequest) -> SimResponse:
        with self._count_lock:
            self.requests_served += 1
        faults = self.faults
        if faults.latency > 0:
            time.sleep(faults.latency)
        fault = faults.transport_fault()
        if fault == "rate429":
            return self.rate_limited(request, faults.ban_seconds, False)
        if fault == "code7":
            return self.rate_limited(request, faults.ban_seconds, True)
        if fault == "http500":
            status = faults.choice((500, 502, 503))
            return SimResponse(status=status, body=b"<html><body>Internal Server Error"
                               b"</body></html>", content_type="text/html")
        if fault == "html200":
            return SimResponse(status=200, body=HTML_ERROR_PAGE,
                               content_type="text/html;charset=UTF-8")
        try:
            response = self.handle(request)
        except Exception as exc:  # a simulator bug must show, not hang the client
            return SimResponse(status=500, body=f"simulator error: {exc!r}".encode(),
                               content_type="text/plain")
        if response.content_type.startswith("application/json") and len(response.body) > 2 \
                and faults.roll("truncated"):
            response.body = response.body[: len(response.body) // 2]
        return response


def _make_handler(sim: SimServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "ecerp-sim"
        disable_nagle_algorithm = True  # headers and body go out at once: no 40 ms stalls

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            parts = urlsplit(self.path)
            request = SimRequest(
                method=self.command, path=parts.path,
                query=dict(parse_qsl(parts.query, keep_blank_values=True)),
                headers={k.lower(): v for k, v in self.headers.items()}, body=body)
            response = sim._dispatch(request)
            sim.request_log.append((request.method, request.path, request.query))
            try:
                self.send_response(response.status)
                self.send_header("Content-Type", response.content_type)
                self.send_header("Content-Length", str(len(response.body)))
                for k, v in response.headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(response.body)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up waiting
                self.close_connection = True

        do_GET = do_POST = do_PUT = do_DELETE = _serve

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def date_time_string(self, timestamp: float | None = None) -> str:
            return formatdate(sim.now().timestamp() if timestamp is None else timestamp,
                              usegmt=True)

    return Handler


class PlatformSim(SimServer):
    """Shared state of the marketplace simulators (Taobao, JD, Pinduoduo, own shops).

    - ``book`` (an :class:`OrderBook`) serves the orders; ``generator`` is its generator and
      ``generator.catalog`` the shop's SKUs with platform ids and merchant codes;
    - ``shipments`` (list of dicts, in arrival order), ``stock`` ({(item id, sku id): qty})
      and ``stock_calls`` (one dict per accepted stock call) record what was pushed;
    - ``app_key`` / ``app_secret`` / ``session`` are the credentials it accepts;
    - :meth:`wire_items` turns orders into the platform's JSON text once per order version
      (cached), serving a poison version for the orders the fault SPEC poisons;
    - :meth:`page` slices a result list into a page, applying the ``repeat`` and
      ``endless_paging`` faults.

    Subclasses implement :meth:`encode_order` (and :meth:`poison_order`).
    """

    def __init__(self, *, book: OrderBook | None = None, seed: int = 0,
                 sku_codes: Sequence[str] | None = None, bundle_codes: Sequence[str] = (),
                 app_key: str = "", app_secret: str = "", session: str = "",
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if book is None:
            book = OrderBook(OrderGenerator(platform=self.platform, seed=seed,
                                            sku_codes=sku_codes, bundle_codes=bundle_codes))
        self.book = book
        self.generator = book.generator
        self.app_key = app_key or f"sim-{self.platform}-key"
        self.app_secret = app_secret or f"sim-{self.platform}-secret"
        self.session = session if session else f"sim-{self.platform}-session"
        self.shipments: list[dict[str, Any]] = []
        self.stock: dict[tuple[str, str], int] = {}
        self.stock_calls: list[dict[str, Any]] = []
        self.state_lock = threading.RLock()
        self._wire: dict[tuple[str, str], tuple[PlatformOrder, str]] = {}

    def stop(self) -> None:
        """Stop the order feed (if any) and the server."""
        self.book.stop_feed()
        super().stop()

    def encode_order(self, order: PlatformOrder, variant: str) -> Any:
        """The platform's JSON object for *order* (*variant* names a shape, e.g. simplified)."""
        raise NotImplementedError

    def poison_order(self, order: PlatformOrder, variant: str) -> Any:
        """A malformed version of *order*: valid JSON, nonsense content."""
        return {"id": order.platform_order_id, "lines": "CORRUPT", "amount": "abc"}

    def wire_text(self, order: PlatformOrder, variant: str = "") -> str:
        key = (order.platform_order_id, variant)
        cached = self._wire.get(key)
        if cached is not None and cached[0] is order:
            return cached[1]
        text = _ENCODE(self.encode_order(order, variant))
        self._wire[key] = (order, text)
        return text

    def warm(self, variants: Sequence[str] = ("",)) -> int:
        """Encode every current order now (benchmarks call this before timing a pull, so
        the pull measures serving, not first-time encoding). Returns the count."""
        orders = self.book.all()
        for variant in variants:
            for o in orders:
                self.wire_text(o, variant)
        return len(orders)

    def wire_items(self, orders: Sequence[PlatformOrder], variant: str = "") -> str:
        """Comma-joined JSON texts of *orders* (for splicing into a page body)."""
        out = []
        poison = self.faults.spec.poison > 0
        for o in orders:
            if poison and self.faults.is_poison(self.book.index_of(o.platform_order_id)):
                self.faults.counts["poison"] += 1
                out.append(json.dumps(self.poison_order(o, variant), ensure_ascii=False))
            else:
                out.append(self.wire_text(o, variant))
        return ",".join(out)

    def page(self, results: list[PlatformOrder], page_no: int,
             page_size: int) -> tuple[list[PlatformOrder], int, bool]:
        """(page items, total to announce, has_next) for 1-based *page_no*."""
        total = len(results)
        lo = (page_no - 1) * page_size
        items = results[lo:lo + page_size]
        has_next = lo + page_size < total
        if items and self.faults.roll("repeat"):
            # an order from a neighbouring page shows up here too
            neighbour = results[lo + page_size] if has_next else (
                results[lo - 1] if lo > 0 else None)
            if neighbour is not None:
                items = [*items, neighbour]
        if self.faults.endless_paging:
            self.faults.counts["endless_paging"] += 1
            if not items and results:
                last = (total - 1) // page_size * page_size
                items = results[last:last + page_size]
            return items, total + 1_000_000, True
        return items, total, has_next

    def record_stock(self, call: dict[str, Any], changes: dict[tuple[str, str], int]) -> None:
        with self.state_lock:
            self.stock.update(changes)
            self.stock_calls.append(call)

    def catalog_ids(self) -> dict[tuple[str, str], Any]:
        """{(item id, sku id): CatalogSku} of the simulated shop."""
        return {(c.item_id, c.sku_id): c for c in self.generator.catalog}
