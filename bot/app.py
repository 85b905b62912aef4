"""Builds the Bolt app: one factory, no global app, handlers registered by area."""

from __future__ import annotations

import gc
import logging
import re
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse, Respond
from slack_bolt.kwargs_injection import build_required_kwargs
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_bolt.request.payload_utils import to_action
from slack_bolt.util.utils import get_arg_names_of_callable
from slack_sdk import WebClient

from bot.after_ack import AfterAck, log_failure
from bot.config import Settings
from bot.delivery.slack import make_web_client
from bot.logs import request_id, request_scope
from bot.services import Services
from bot.signatures import checked_signature
from handlers import (
    breaches,
    coprod,
    declarations,
    expenses,
    feedback,
    home,
    incident_record,
    incidents,
    involve,
    involvement,
    meetings,
    oversight,
    policies,
    profiles,
    safeguarding,
    sessions,
    texting,
    wellbeing,
)
from handlers.blocks.text import KIND_ERROR, OUT_OF_DATE
from handlers.ids import REDRAW_ONLY_EVENTS, ActionId
from handlers.payloads import NotOurs
from handlers.replies import say_privately
from handlers.shapes import odd_shape

log = logging.getLogger(__name__)

REGISTRARS: tuple[Callable[[App], None], ...] = (
    coprod.register,
    profiles.register,
    feedback.register,
    sessions.register,
    incidents.register,
    incident_record.register,
    safeguarding.register,
    oversight.register,
    breaches.register,
    involve.register,
    policies.register,
    involvement.register,
    expenses.register,
    declarations.register,
    wellbeing.register,
    texting.register,
    meetings.register,
    home.register,
)


# Where each kind of request says which of ours it is (Bolt's own matchers read the same).
ROUTE_KEYS: dict[str, Callable[[dict[str, Any]], object]] = {
    "action": lambda body: (to_action(body) or {}).get("action_id") or body.get("callback_id"),
    "view": lambda body: body["view"]["callback_id"],
    "command": lambda body: body["command"],
    "event": lambda body: body["event"]["type"],
    "shortcut": lambda body: body["callback_id"],
}

Listener = Callable[..., Any]


class CoprodApp(App):
    """Bolt's app, with the pool that runs what comes after an acknowledgement.

    Listeners registered by one id (an action id, a form's callback id, a command...) are
    found by that id in a table. Bolt tries each listener in turn, building every argument a
    listener could ask for (the payload read six ways) for each one it tries: about 50 us a
    listener, and with our hundred, up to 5 ms before App Home's event was reached. Bolt now
    holds one listener a kind, and tries at most five."""

    after_ack: AfterAck
    signing_secret: str | None
    _routes: dict[str, dict[str, tuple[Listener, list[str]]]] | None = None

    def action(self, constraints: Any, matchers: Any = None,
               middleware: Any = None) -> Callable[..., Any]:
        return self._by_id("action", constraints, matchers, middleware)

    def view(self, constraints: Any, matchers: Any = None,
             middleware: Any = None) -> Callable[..., Any]:
        return self._by_id("view", constraints, matchers, middleware)

    def command(self, command: Any, matchers: Any = None,
                middleware: Any = None) -> Callable[..., Any]:
        return self._by_id("command", command, matchers, middleware)

    def event(self, event: Any, matchers: Any = None,
              middleware: Any = None) -> Callable[..., Any]:
        return self._by_id("event", event, matchers, middleware)

    def shortcut(self, constraints: Any, matchers: Any = None,
                 middleware: Any = None) -> Callable[..., Any]:
        return self._by_id("shortcut", constraints, matchers, middleware)

    def _by_id(self, kind: str, key: Any, matchers: Any,
               middleware: Any) -> Callable[..., Any]:
        in_bolt = getattr(super(), kind)
        if self._routes is None or not isinstance(key, str) or matchers or middleware:
            return in_bolt(key, matchers, middleware)  # as Bolt would

        def remember(*listeners: Listener, **lazily: Any) -> Any:
            if len(listeners) != 1 or lazily or self._routes is None:
                # An ack with lazy listeners (or a late registration): Bolt's own way.
                return in_bolt(key, matchers, middleware)(*listeners, **lazily)
            # The first for an id answers, as in Bolt.
            self._routes.setdefault(kind, {}).setdefault(
                key, (listeners[0], get_arg_names_of_callable(listeners[0])))
            return listeners[0]
        return remember

    def collect_routes(self) -> None:
        """From now until `route`, listeners registered by one id go in the table."""
        self._routes = {}

    def route(self) -> None:
        """One Bolt listener a kind, whose matcher takes exactly the table's ids (anything
        else stays unhandled, as before), in the order requests are most often of."""
        routes, self._routes = self._routes or {}, None
        for kind in ("action", "view", "command", "event", "shortcut"):
            if routes.get(kind):
                ids = sorted(routes[kind])
                # \Z, not $: "$" would also take an id followed by a newline.
                pattern = re.compile("^(?:" + "|".join(map(re.escape, ids)) + r")\Z")
                getattr(super(), kind)(pattern)(_router(kind, routes[kind]))

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        """Every request gets its own id before anything logs; one of a shape Slack never sends
        is answered 200 before Bolt routes it (Bolt indexes into payloads as it routes)."""
        with request_scope(), self.after_ack.answering():
            odd = odd_shape(req.body)
            if odd is None:
                return super().dispatch(req)
            if req.mode == "http" and not signed_by_slack(self.signing_secret, req):
                return BoltResponse(status=401, body={"error": "invalid request"})
            log.info("ignored a %s in a shape Slack never sends", odd)
            return BoltResponse(status=200, body="")


def _router(kind: str, table: dict[str, tuple[Listener, list[str]]]) -> Listener:
    key_of = ROUTE_KEYS[kind]

    def route(logger: logging.Logger, request: BoltRequest,
              response: BoltResponse | None) -> Any:
        listener, names = table[str(key_of(request.body))]
        # The listener's own arguments, built as Bolt builds them for a listener it calls.
        return listener(**build_required_kwargs(
            logger=logger, required_arg_names=list(names), request=request,
            response=response, this_func=listener))
    return route


def ready_to_serve() -> None:
    """Called once, when the app is built and before the first request. What start-up made
    and keeps for good (modules, SQLAlchemy's mappers, Bolt's listeners: about 190,000
    objects) is set aside from the garbage collector, which otherwise walks all of it in each
    full collection: over 100 ms with every request in hand waiting (seen in a burst of
    Claim clicks)."""
    # No collection first: start-up leaves next to no garbage (one found 0 to 20 objects) and
    # a collection of everything there costs 70 ms of start-up.
    gc.freeze()


def signed_by_slack(secret: str | None, req: BoltRequest) -> bool:
    if secret is None:
        return True  # nothing to check against: Bolt's own verification is off too
    headers = {k: v[0] for k, v in req.headers.items() if v}
    return checked_signature(secret, req.raw_body.encode(), headers) is None


class TokenGoesWithTheClient(logging.Filter):
    """Coprod hands Bolt its own client (our base URL, timeout and retries), which carries the
    token. Bolt also reads SLACK_BOT_TOKEN from the environment itself, and when it finds it
    there warns on every start that the token it read will be unused: as intended here."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


def _quiet_the_token_warning() -> None:
    bolt = logging.getLogger("slack_bolt.App")  # Bolt's framework logger (get_bolt_logger(App))
    if not any(isinstance(f, TokenGoesWithTheClient) for f in bolt.filters):
        bolt.addFilter(TokenGoesWithTheClient())


def create_app(
    settings: Settings,
    services: Services,
    *,
    client: WebClient | None = None,
    token_verification: bool = True,
) -> CoprodApp:
    """The real app. `token_verification` calls auth.test at start (turned off only where no
    Slack, real or fake, is listening)."""
    client = client or make_web_client(settings.slack_bot_token, settings.api_url)
    _quiet_the_token_warning()
    app = CoprodApp(
        # Named, or Bolt walks the call stack at start-up (tens of ms) to guess one: the name
        # it guessed ("app.py", this file's), so that its loggers keep their names and never
        # take over our own "coprod" logger.
        name="app.py",
        client=client,
        signing_secret=settings.slack_signing_secret,
        # Listeners are short (slow work goes to the outbox), so the whole run fits before the
        # response; it saves the ~10 ms ack polling and makes behaviour deterministic.
        process_before_response=True,
        token_verification_enabled=token_verification,
        request_verification_enabled=settings.slack_signing_secret is not None,
        raise_error_for_unhandled_request=False,
    )
    app.after_ack = AfterAck()
    app.signing_secret = settings.slack_signing_secret
    app.middleware(_give_listeners(services, app.after_ack))
    app.middleware(_each_event_once(services))
    app.error(_kind_error(settings, app.after_ack))
    app.collect_routes()
    for register in REGISTRARS:
        register(app)
    app.route()
    return app


def _give_listeners(services: Services, after_ack: AfterAck) -> Callable[..., None]:
    def give_listeners_services(context: dict[str, Any], next: Callable[[], None]) -> None:
        context["services"] = services
        context["after_ack"] = after_ack
        context["request_id"] = request_id.get()  # set by CoprodApp.dispatch
        next()
    return give_listeners_services


def _each_event_once(services: Services) -> Callable[..., BoltResponse | None]:
    def handle_each_event_once(body: dict[str, Any],
                               next: Callable[[], None]) -> BoltResponse | None:
        # Slack retries an event it thinks was missed (X-Slack-Retry-Num): answer the retry
        # with 200 and do nothing more.
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id:
            event = body.get("event")
            kind = event.get("type") if isinstance(event, dict) else None
            first = (services.once.first_time_here(str(event_id)) if kind in REDRAW_ONLY_EVENTS
                     else services.once.first_time_seen(str(event_id)))
            if not first:
                return BoltResponse(status=200, body="")
        next()
        return None
    return handle_each_event_once


def _kind_error(settings: Settings, after_ack: AfterAck) -> Callable[..., BoltResponse]:
    """The one error handler: logs without free text, answers in kind words."""
    def on_error(error: Exception, body: dict[str, Any], respond: Respond) -> BoltResponse:
        if isinstance(error, NotOurs):
            # Something our buttons and forms never send: nothing to do, and not our fault.
            _out_of_date(body, respond, after_ack)
            return BoltResponse(status=200, body="")
        log_failure(str(body.get("command") or body.get("type") or "request"), error)
        if body.get("command"):
            crisis = f" In danger now? Call 999. {settings.coprod_crisis_line}"
            return BoltResponse(
                status=200,
                body={"response_type": "ephemeral", "text": KIND_ERROR + crisis},
            )
        if body.get("type") == "view_submission":
            # Shown beside the first field, so the person keeps what they typed and can try
            # again; the failed transaction left nothing half-written.
            inputs = [b.get("block_id") for b in body.get("view", {}).get("blocks", [])
                      if b.get("type") == "input" and b.get("block_id")]
            if inputs:
                return BoltResponse(status=200, body={
                    "response_action": "errors",
                    "errors": {inputs[0]: "Sorry, something went wrong on our side and "
                                          "nothing was saved. Please try again in a minute."}})
        return BoltResponse(status=500, body="")
    return on_error


def _out_of_date(body: dict[str, Any], respond: Respond, after_ack: AfterAck) -> None:
    """A click carrying a value we never sent (a stale card, an odd request): logged by kind
    and action id, never the value; the person is told, privately, when Slack said where."""
    kind = "button" if body.get("type") == "block_actions" else str(body.get("type") or "request")
    actions = body.get("actions")
    action = actions[0].get("action_id") if isinstance(actions, list) and actions and \
        isinstance(actions[0], dict) else None
    log.info("ignored a %s carrying a value we never sent (%s)", kind,
             action if isinstance(action, str) and action in set(ActionId) else "-")
    if kind == "button" and isinstance(body.get("response_url"), str):
        after_ack("telling them a button is out of date",
                  lambda: say_privately(respond, OUT_OF_DATE), lambda words: None, "")
