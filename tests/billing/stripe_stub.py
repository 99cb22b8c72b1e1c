"""A tiny local stand-in for Stripe's HTTP API, and webhooks signed the way Stripe signs them.

The real ``stripe`` SDK talks to it over HTTP (``STRIPE_API_BASE``), so the tests run our
actual integration code; the stub records every request for the tests to inspect.
"""

import hashlib
import hmac
import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import pytest

WEBHOOK_SECRET = "whsec_test_secret"
_ids = itertools.count(1)


def new_id(prefix):
    return f"{prefix}_test_{next(_ids):06d}"


class StripeStub:
    def __init__(self):
        self.requests = []  # (method, path, params)
        self.sessions = {}
        self.subscriptions = {}
        self.invoices = {}
        self.fail_with = None  # (status, error dict) for the next request
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def calls(self, method, path_prefix):
        return [params for m, path, params in self.requests if m == method and path.startswith(path_prefix)]

    # --- What each endpoint answers ----------------------------------------------------

    def route(self, method, path, params):
        if self.fail_with is not None:
            status, error = self.fail_with
            self.fail_with = None
            return status, {"error": error}
        parts = path.strip("/").split("/")
        if method == "POST" and path == "/v1/checkout/sessions":
            session_id = new_id("cs")
            session = {
                "id": session_id,
                "object": "checkout.session",
                "url": f"https://checkout.stripe.test/c/pay/{session_id}",
                "status": "open",
                "mode": params.get("mode"),
                "client_reference_id": params.get("client_reference_id"),
                "metadata": {"order": params.get("metadata[order]")},
            }
            self.sessions[session_id] = session
            return 200, session
        if method == "GET" and path.startswith("/v1/checkout/sessions/"):
            session = self.sessions.get(parts[-1])
            return (200, session) if session else (404, {"error": {"type": "invalid_request_error"}})
        if method == "POST" and path == "/v1/coupons":
            return 200, {"id": new_id("coupon"), "object": "coupon", "amount_off": int(params["amount_off"])}
        if method == "POST" and path == "/v1/refunds":
            return 200, {"id": new_id("re"), "object": "refund", "status": "succeeded", "amount": int(params["amount"])}
        if path.startswith("/v1/subscriptions/"):
            subscription = {"id": parts[-1], "object": "subscription", "status": "active"}
            if method == "POST":
                subscription["cancel_at_period_end"] = params.get("cancel_at_period_end") == "true"
            if method == "DELETE":
                subscription["status"] = "canceled"
            self.subscriptions[parts[-1]] = subscription
            return 200, subscription
        if method == "GET" and path.startswith("/v1/invoices/"):
            invoice = self.invoices.get(parts[-1])
            return (200, invoice) if invoice else (404, {"error": {"type": "invalid_request_error"}})
        return 404, {"error": {"type": "invalid_request_error", "message": f"stub: no route {method} {path}"}}

    def _handler(self):
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self, method):
                url = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                params = dict(parse_qsl(body or url.query, keep_blank_values=True))
                stub.requests.append((method, url.path, params))
                status, data = stub.route(method, url.path, params)
                payload = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.send_header("Request-Id", new_id("req"))
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self):
                self._serve("GET")

            def do_POST(self):
                self._serve("POST")

            def do_DELETE(self):
                self._serve("DELETE")

            def log_message(self, *args):
                pass

        return Handler


@pytest.fixture(scope="session")
def _stripe_stub_server():
    stub = StripeStub().start()
    yield stub
    stub.stop()


@pytest.fixture
def stripe_stub(_stripe_stub_server, settings):
    """Stripe is the active provider and its API is the local stub (reset for each test)."""
    stub = _stripe_stub_server
    stub.requests.clear()
    stub.sessions.clear()
    stub.invoices.clear()
    stub.fail_with = None
    settings.STRIPE_SECRET_KEY = "sk_test_stub"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = stub.url
    settings.STRIPE_MAX_NETWORK_RETRIES = 0
    settings.BILLING_PROVIDER = "stripe"
    return stub


# --- Webhooks, signed as Stripe signs them ---------------------------------------------


def sign(payload, secret=WEBHOOK_SECRET, timestamp=None):
    timestamp = int(time.time()) if timestamp is None else timestamp
    signature = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={signature}"


def post_webhook(client, event, *, secret=WEBHOOK_SECRET, timestamp=None, signature=None):
    payload = json.dumps(event)
    header = signature if signature is not None else sign(payload, secret, timestamp)
    return client.post(
        "/billing/webhooks/stripe/", data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )


def event(event_type, obj, event_id=None):
    return {
        "id": event_id or new_id("evt"),
        "object": "event",
        "api_version": "2026-10-28.endive",
        "created": int(time.time()),
        "type": event_type,
        "livemode": False,
        "data": {"object": obj},
    }


def checkout_completed(order, *, payment_intent=None, subscription=None, invoice=None, event_id=None):
    return event(
        "checkout.session.completed",
        {
            "id": order.provider_reference,
            "object": "checkout.session",
            "client_reference_id": str(order.reference),
            "metadata": {"order": str(order.reference)},
            "mode": "subscription" if subscription else "payment",
            "payment_status": "paid",
            "status": "complete",
            "amount_total": order.total_minor,
            "currency": order.currency.lower(),
            "payment_intent": None if subscription else (payment_intent or new_id("pi")),
            "subscription": subscription,
            "invoice": invoice,
        },
        event_id,
    )


def invoice_paid(
    order,
    *,
    subscription,
    period_end,
    billing_reason="subscription_create",
    invoice_id=None,
    payment_intent=None,
    amount=None,
    event_id=None,
):
    invoice_id = invoice_id or new_id("in")
    payments = {"object": "list", "data": []}
    if payment_intent:
        payments["data"].append(
            {"object": "invoice_payment", "payment": {"type": "payment_intent", "payment_intent": payment_intent}}
        )
    return event(
        "invoice.paid",
        {
            "id": invoice_id,
            "object": "invoice",
            "billing_reason": billing_reason,
            "amount_paid": order.total_minor if amount is None else amount,
            "currency": order.currency.lower(),
            "status": "paid",
            "parent": {
                "type": "subscription_details",
                "subscription_details": {"subscription": subscription, "metadata": {"order": str(order.reference)}},
            },
            "lines": {
                "object": "list",
                "data": [{"object": "line_item", "period": {"start": period_end - 31536000, "end": period_end}}],
            },
            "payments": payments,
        },
        event_id,
    )


def charge_refunded(order, *, payment_intent, amount_refunded=None, refund_id=None, event_id=None):
    amount_refunded = order.total_minor if amount_refunded is None else amount_refunded
    return event(
        "charge.refunded",
        {
            "id": new_id("ch"),
            "object": "charge",
            "amount": order.total_minor,
            "amount_refunded": amount_refunded,
            "refunded": amount_refunded >= order.total_minor,
            "currency": order.currency.lower(),
            "payment_intent": payment_intent,
            "metadata": {"order": str(order.reference)},
            "refunds": {"object": "list", "data": [{"id": refund_id or new_id("re"), "object": "refund"}]},
        },
        event_id,
    )


def subscription_event(event_type, order, *, subscription, period_end, cancel_at_period_end=False, event_id=None):
    return event(
        event_type,
        {
            "id": subscription,
            "object": "subscription",
            "status": "canceled" if event_type.endswith("deleted") else "active",
            "cancel_at_period_end": cancel_at_period_end,
            "metadata": {"order": str(order.reference)},
            "items": {"object": "list", "data": [{"object": "subscription_item", "current_period_end": period_end}]},
        },
        event_id,
    )
