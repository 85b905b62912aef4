"""A stand-in for Slack, for trying Coprod without a workspace.

It answers the Web API methods Coprod calls, in Slack's request and response shapes, keeps
channels, DMs, modals and App Home in memory, and sends the bot what Slack would send (slash
commands, block actions, view submissions, shortcuts, events), signed with the signing secret
exactly as Slack signs them, over HTTP to the bot's own /slack/events. The sandbox page drives
it through /sandbox/*.
"""

from __future__ import annotations

import base64
import itertools
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from slack_sdk.signature import SignatureVerifier

BOT_USER = "U0COPROD"
SLACKBOT = "USLACKBOT"
MODAL_LIMIT, MESSAGE_LIMIT, TITLE_LIMIT = 100, 50, 24


@dataclass
class Message:
    ts: str
    channel: str
    user: str
    text: str
    blocks: list[dict[str, Any]]
    ephemeral_for: str | None = None
    files: list[dict[str, Any]] = field(default_factory=list)  # shared with the message

    def as_json(self) -> dict[str, Any]:
        return {"ts": self.ts, "channel": self.channel, "user": self.user, "text": self.text,
                "blocks": self.blocks, "ephemeral": self.ephemeral_for is not None,
                "files": self.files}


@dataclass
class SharedFile:
    """A file as the stand-in holds it: asked for, then its bytes, then shared (or not)."""

    id: str
    name: str
    title: str = ""
    content: bytes | None = None  # None until the bytes arrive at the upload URL
    channel: str | None = None  # None until files.completeUploadExternal shares it

    def as_slack(self, base_url: str) -> dict[str, Any]:
        """The file object Slack answers with (the fields a client reads)."""
        url = f"{base_url}/files/{self.id}/{quote(self.name)}"
        shared_in = [self.channel] if self.channel else []
        return {"id": self.id, "name": self.name, "title": self.title or self.name,
                "size": len(self.content or b""), "url_private": url,
                "url_private_download": url, "permalink": url, "is_public": False,
                "channels": [c for c in shared_in if not c.startswith("D")],
                "ims": [c for c in shared_in if c.startswith("D")]}


@dataclass
class Modal:
    id: str
    user: str
    view: dict[str, Any]
    hash: str
    errors: dict[str, str] = field(default_factory=dict)
    # Where it sits in the person's stack, as Slack tells the app in every view payload: the
    # bot redraws the record beneath a pushed form through root_view_id.
    root_view_id: str = ""
    previous_view_id: str | None = None
    # What the person has typed and chosen so far (Slack's view.state.values): Slack keeps it
    # when the bot answers with errors, and through views.update for inputs it keeps.
    values: dict[str, Any] = field(default_factory=dict)

    def replace_view(self, view: dict[str, Any], new_hash: str) -> None:
        """A views.update or response_action update: as Slack does, what was typed stays in
        each input the new view still has (same block_id and action_id)."""
        kept = {(b.get("block_id"), (b.get("element") or {}).get("action_id"))
                for b in view.get("blocks", []) if b.get("type") == "input"}
        self.values = {block: {action: state for action, state in actions.items()
                               if (block, action) in kept}
                       for block, actions in self.values.items()}
        self.values = {block: actions for block, actions in self.values.items() if actions}
        self.view, self.hash, self.errors = view, new_hash, {}

    def as_view(self) -> dict[str, Any]:
        """The view as Slack sends it to the app and answers views.* with."""
        return {**self.view, "id": self.id, "hash": self.hash, "team_id": "T0SANDBOX",
                "app_id": "A0COPROD", "bot_id": "B0COPROD",
                "root_view_id": self.root_view_id or self.id,
                "previous_view_id": self.previous_view_id,
                "state": {"values": self.values}}


class SlackError(Exception):
    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


class StandInWorkspace:
    """The workspace's side: what is posted where, the open modals, and the Web API the bot
    calls, answered in Slack's shapes and errors."""

    def __init__(self, *, channels: dict[str, str], base_url: str = "") -> None:
        self.channels: dict[str, str] = dict(channels)  # id -> name
        self.base_url = base_url.rstrip("/")  # where upload URLs and file links point
        self.uploads = StandInFiles(self)
        self.messages: list[Message] = []
        self.modals: dict[str, list[Modal]] = {}  # user -> stack
        self.homes: dict[str, dict[str, Any]] = {}
        self.names: dict[str, str] = {BOT_USER: "Coprod", SLACKBOT: "Slackbot"}
        self.triggers: dict[str, str] = {}  # trigger id -> user
        self.responses: dict[str, dict[str, Any]] = {}  # response_url token -> where
        self.ids = itertools.count(1)
        self.lock = threading.RLock()

    def new_ts(self) -> str:
        return f"{int(time.time())}.{next(self.ids):06d}"

    # -- the Web API the bot calls ------------------------------------------------------------
    def call(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        name = "api_" + method.replace(".", "_")
        handler: Callable[[dict[str, Any]], dict[str, Any]] | None = getattr(
            self, name, None) or getattr(self.uploads, name, None)
        if handler is None:
            return {"ok": False, "error": "unknown_method"}
        for key in ("blocks", "view", "files"):
            if isinstance(params.get(key), str):
                params[key] = json.loads(params[key])
        try:
            with self.lock:
                return {"ok": True, **handler(params)}
        except SlackError as error:
            return {"ok": False, "error": error.error}

    def api_auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"url": "https://sandbox.local/", "team": "Sandbox", "user": "coprod",
                "team_id": "T0SANDBOX", "user_id": BOT_USER, "bot_id": "B0COPROD",
                "is_enterprise_install": False}

    def _channel_for(self, channel: str) -> str:
        if channel.startswith(("U", "W")):
            return "D" + channel[1:]
        if channel.startswith("D") or channel in self.channels:
            return channel
        raise SlackError("channel_not_found")

    def _check_blocks(self, blocks: Any, limit: int) -> list[dict[str, Any]]:
        if blocks is None:
            return []
        if not isinstance(blocks, list) or len(blocks) > limit:
            raise SlackError("invalid_blocks")
        return blocks

    def api_chat_postMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel_for(str(params.get("channel", "")))
        blocks = self._check_blocks(params.get("blocks"), MESSAGE_LIMIT)
        if not params.get("text") and not blocks:
            raise SlackError("no_text")
        message = Message(self.new_ts(), channel, BOT_USER, str(params.get("text", "")), blocks)
        self.messages.append(message)
        return {"channel": channel, "ts": message.ts,
                "message": {"type": "message", "text": message.text, "ts": message.ts,
                            "bot_id": "B0COPROD", "blocks": blocks}}

    def api_chat_update(self, params: dict[str, Any]) -> dict[str, Any]:
        found = self.find(str(params.get("channel", "")), str(params.get("ts", "")))
        found.text = str(params.get("text", found.text))
        found.blocks = self._check_blocks(params.get("blocks"), MESSAGE_LIMIT)
        return {"channel": found.channel, "ts": found.ts, "text": found.text}

    def api_chat_postEphemeral(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel_for(str(params.get("channel", "")))
        message = Message(self.new_ts(), channel, BOT_USER, str(params.get("text", "")),
                          self._check_blocks(params.get("blocks"), MESSAGE_LIMIT),
                          ephemeral_for=str(params.get("user", "")))
        self.messages.append(message)
        return {"message_ts": message.ts}

    def find(self, channel: str, ts: str) -> Message:
        for message in self.messages:
            if message.channel == channel and message.ts == ts:
                return message
        raise SlackError("message_not_found")

    def new_modal(self, user: str, view: dict[str, Any]) -> Modal:
        if len(view.get("blocks", [])) > MODAL_LIMIT:
            raise SlackError("invalid_blocks")
        for key in ("title", "submit", "close"):
            if key in view and len(view[key].get("text", "")) > TITLE_LIMIT:
                raise SlackError("invalid_arguments")
        return Modal(f"V{next(self.ids):08d}", user, view, f"{next(self.ids)}.h")

    def modal_json(self, modal: Modal) -> dict[str, Any]:
        return {"view": modal.as_view()}

    def push_modal(self, user: str, view: dict[str, Any]) -> Modal:
        """A view pushed over the person's open one (views.push, or response_action push)."""
        stack = self.modals.setdefault(user, [])
        if len(stack) >= 3:
            raise SlackError("push_limit_reached")
        modal = self.new_modal(user, view)
        if stack:
            modal.root_view_id, modal.previous_view_id = stack[0].id, stack[-1].id
        stack.append(modal)
        return modal

    def api_views_open(self, params: dict[str, Any]) -> dict[str, Any]:
        user = self.triggers.pop(str(params.get("trigger_id", "")), None)
        if user is None:
            raise SlackError("expired_trigger_id")
        modal = self.new_modal(user, params["view"])
        self.modals[user] = [modal]
        return self.modal_json(modal)

    def api_views_push(self, params: dict[str, Any]) -> dict[str, Any]:
        user = self.triggers.pop(str(params.get("trigger_id", "")), None)
        if user is None:
            raise SlackError("expired_trigger_id")
        return self.modal_json(self.push_modal(user, params["view"]))

    def api_views_update(self, params: dict[str, Any]) -> dict[str, Any]:
        for stack in self.modals.values():
            for modal in stack:
                if modal.id == params.get("view_id"):
                    if params.get("hash") and params["hash"] != modal.hash:
                        raise SlackError("hash_conflict")
                    modal.replace_view(self.new_modal(modal.user, params["view"]).view,
                                       f"{next(self.ids)}.h")
                    return self.modal_json(modal)
        raise SlackError("not_found")

    def api_views_publish(self, params: dict[str, Any]) -> dict[str, Any]:
        """Home as Slack keeps it: one view per person, its id kept from one publish to the
        next and a new hash each time, sent back to the app with every click on it."""
        view = params["view"]
        if len(view.get("blocks", [])) > MODAL_LIMIT:
            raise SlackError("invalid_blocks")
        user = str(params.get("user_id", ""))
        before = self.homes.get(user) or {}
        if params.get("hash") and params["hash"] != before.get("hash"):
            raise SlackError("hash_conflict")
        view_id = before.get("id") or f"V{next(self.ids):08d}"
        self.homes[user] = {
            "private_metadata": "", "callback_id": "", "external_id": "", **view,
            "id": view_id, "hash": f"{next(self.ids)}.h", "team_id": "T0SANDBOX",
            "app_id": "A0COPROD", "app_installed_team_id": "T0SANDBOX", "bot_id": "B0COPROD",
            "root_view_id": view_id, "previous_view_id": None, "state": {"values": {}}}
        return {"view": self.homes[user]}

    def api_conversations_open(self, params: dict[str, Any]) -> dict[str, Any]:
        users = str(params.get("users", ""))
        return {"channel": {"id": "D" + users.split(",")[0][1:]}}

    def api_users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        user = str(params.get("user", ""))
        name = self.names.get(user, user)
        return {"user": {"id": user, "name": name.lower().replace(" ", "."),
                         "real_name": name, "profile": {"real_name": name}}}

    def respond(self, token: str, payload: dict[str, Any]) -> None:
        """What arrives at a response_url: replace, delete, or add (ephemeral by default)."""
        with self.lock:
            where = self.responses.get(token)
            if where is None:
                return
            blocks = payload.get("blocks") or []
            text = str(payload.get("text", ""))
            if payload.get("delete_original") and where["ts"]:
                self.messages = [m for m in self.messages
                                 if not (m.channel == where["channel"] and m.ts == where["ts"])]
            elif payload.get("replace_original") and where["ts"]:
                try:
                    found = self.find(where["channel"], where["ts"])
                    found.text, found.blocks = text, blocks
                except SlackError:
                    pass
            else:
                public = payload.get("response_type") == "in_channel"
                self.messages.append(Message(self.new_ts(), where["channel"], BOT_USER, text,
                                             blocks, None if public else where["user"]))



class StandInFiles:
    """Files as Slack takes them: ask for an upload URL, send the bytes there, then share them
    in a conversation (files.getUploadURLExternal, the POST, files.completeUploadExternal)."""

    def __init__(self, workspace: StandInWorkspace) -> None:
        self.workspace = workspace
        self.shared: dict[str, SharedFile] = {}

    def api_files_getUploadURLExternal(self, params: dict[str, Any]) -> dict[str, Any]:
        if not params.get("filename") or not str(params.get("length", "")).isdigit():
            raise SlackError("invalid_arguments")
        file_id = f"F{next(self.workspace.ids):08d}"
        self.shared[file_id] = SharedFile(file_id, str(params["filename"]))
        return {"file_id": file_id, "upload_url": f"{self.workspace.base_url}/upload/{file_id}"}

    def receive(self, file_id: str, content: bytes) -> bool:
        """The bytes POSTed to an upload URL; False for a URL never given out (or used)."""
        with self.workspace.lock:
            found = self.shared.get(file_id)
            if found is None or found.channel is not None:
                return False
            found.content = content
            return True

    def api_files_completeUploadExternal(self, params: dict[str, Any]) -> dict[str, Any]:
        listed = params.get("files")
        if not isinstance(listed, list) or not listed:
            raise SlackError("invalid_arguments")
        found = [self.shared.get(str(f.get("id", ""))) for f in listed]
        ready = [f for f in found if f is not None and f.content is not None
                 and f.channel is None]
        if len(ready) != len(listed):
            raise SlackError("file_not_found")
        channel_id = str(params.get("channel_id") or params.get("channels") or "")
        channel = self.workspace._channel_for(channel_id.split(",")[0]) if channel_id else None
        for shared, asked in zip(ready, listed, strict=True):
            shared.title = str(asked.get("title") or shared.name)
        if channel is None:  # no channel: the file stays private to the app, as in Slack
            return {"files": [f.as_slack(self.workspace.base_url) for f in ready]}
        for shared in ready:
            shared.channel = channel
        self.workspace.messages.append(Message(
            self.workspace.new_ts(), channel, BOT_USER,
            str(params.get("initial_comment") or ""), [],
            files=[f.as_slack(self.workspace.base_url) for f in ready]))
        return {"files": [f.as_slack(self.workspace.base_url) for f in ready]}

    def download(self, file_id: str, user: str) -> SharedFile | None:
        """A shared file, for someone who can see the conversation it was shared in."""
        with self.workspace.lock:
            found = self.shared.get(file_id)
            if found is None or found.channel is None or found.content is None:
                return None
            if found.channel.startswith("D") and found.channel != "D" + user[1:]:
                return None
            return found


class SlackStandIn:
    """The people's side: what they type and click, sent to the bot signed as Slack signs,
    into the workspace the bot answers through the Web API."""

    def __init__(self, *, bot_url: str, signing_secret: str,
                 channels: dict[str, str]) -> None:
        self.bot_url = bot_url.rstrip("/")
        self.verifier = SignatureVerifier(signing_secret)
        self.workspace = StandInWorkspace(channels=channels, base_url=self.bot_url)

    def _trigger(self, user: str) -> str:
        trigger = f"{next(self.workspace.ids)}.{int(time.time())}.sandbox"
        self.workspace.triggers[trigger] = user
        return trigger

    def _response_url(self, user: str, channel: str, ts: str | None) -> str:
        token = f"r{next(self.workspace.ids)}"
        self.workspace.responses[token] = {"user": user, "channel": channel, "ts": ts}
        return f"{self.bot_url}/respond/{token}"

    def _send(self, body: str, content_type: str) -> tuple[int, str]:
        stamp = str(int(time.time()))
        headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": stamp,
                   "X-Slack-Signature": self.verifier.generate_signature(timestamp=stamp,
                                                                         body=body) or ""}
        request = urllib.request.Request(self.bot_url + "/slack/events", data=body.encode(),
                                         headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def _interactive(self, payload: dict[str, Any]) -> tuple[int, str]:
        return self._send(urlencode({"payload": json.dumps(payload)}),
                          "application/x-www-form-urlencoded")

    def command(self, user: str, channel: str, line: str) -> dict[str, Any]:
        command, _, text = line.strip().partition(" ")
        body = urlencode({
            "token": "sandbox", "team_id": "T0SANDBOX", "team_domain": "sandbox",
            "channel_id": channel,
            "channel_name": self.workspace.channels.get(channel, "directmessage"),
            "user_id": user, "user_name": self.workspace.names.get(user, user),
            "command": command,
            "text": text, "api_app_id": "A0COPROD",
            "response_url": self._response_url(user, channel, None),
            "trigger_id": self._trigger(user)})
        status, answer = self._send(body, "application/x-www-form-urlencoded")
        if status == 404:
            # Slack answers a command no app declares itself, with Slackbot's own line.
            self.post_ephemeral(channel, user, not_a_command(command), by=SLACKBOT)
            return {"ok": False, "error": "not_a_command"}
        if status != 200:
            self.post_ephemeral(channel, user, DISPATCH_FAILED.format(command=command),
                                by=SLACKBOT)
            return {"ok": False, "error": "dispatch_failed"}
        if answer.strip():
            try:
                data = json.loads(answer)
            except ValueError:
                data = {"text": answer}
            with self.workspace.lock:
                public = data.get("response_type") == "in_channel"
                self.workspace.messages.append(Message(self.workspace.new_ts(), channel, BOT_USER,
                                             str(data.get("text", "")), data.get("blocks") or [],
                                             None if public else user))
        return {"ok": True}

    def post_ephemeral(self, channel: str, user: str, text: str, *, by: str) -> None:
        with self.workspace.lock:
            self.workspace.messages.append(Message(self.workspace.new_ts(), channel, by, text,
                                                   [], ephemeral_for=user))

    def action(self, user: str, action: dict[str, Any], *, channel: str | None = None,
               ts: str | None = None, view_id: str | None = None,
               values: dict[str, Any] | None = None) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "type": "block_actions", "team": {"id": "T0SANDBOX", "domain": "sandbox"},
            "user": {"id": user, "name": self.workspace.names.get(user, user),
                     "team_id": "T0SANDBOX"},
            "api_app_id": "A0COPROD", "trigger_id": self._trigger(user),
            "actions": [{**action, "action_ts": self.workspace.new_ts()}]}
        if view_id:
            with self.workspace.lock:
                modal = self._modal_by_id(user, view_id)
                if values is not None:
                    modal.values = values
            payload["container"] = {"type": "view", "view_id": view_id}
            payload["view"] = modal.as_view()
        elif channel and ts:
            message = self.workspace.find(channel, ts)
            payload["container"] = {"type": "message", "message_ts": ts, "channel_id": channel,
                                    "is_ephemeral": message.ephemeral_for is not None}
            payload["channel"] = {"id": channel, "name": self.workspace.channels.get(channel, "dm")}
            payload["message"] = {"ts": ts, "text": message.text, "blocks": message.blocks}
            payload["response_url"] = self._response_url(user, channel, ts)
        else:
            # App Home, as Slack sends a click on it: the view with its id, hash and state,
            # and no response_url (an answer comes as a DM, or Home is published again).
            with self.workspace.lock:
                home = self.workspace.homes.get(user)
            if home is None or not home.get("id"):  # (a Home kept from before ids were kept)
                return {"ok": False, "error": "open Home again to click in it"}
            payload["container"] = {"type": "view", "view_id": home["id"]}
            payload["view"] = {**home, "state": {"values": values or {}}}
        status, _ = self._interactive(payload)
        return {"ok": status == 200}

    def _modal_by_id(self, user: str, view_id: str) -> Modal:
        for modal in self.workspace.modals.get(user, []):
            if modal.id == view_id:
                return modal
        raise SlackError("not_found")

    def submit(self, user: str, view_id: str, values: dict[str, Any]) -> dict[str, Any]:
        with self.workspace.lock:
            modal = self._modal_by_id(user, view_id)
            modal.values = values  # kept if the bot answers with errors, as Slack keeps it
        payload = {"type": "view_submission", "team": {"id": "T0SANDBOX"},
                   "user": {"id": user, "name": self.workspace.names.get(user, user)},
                   "api_app_id": "A0COPROD", "trigger_id": self._trigger(user),
                   "view": modal.as_view()}
        status, answer = self._interactive(payload)
        if status != 200:
            return {"ok": False, "error": "the bot could not take this form"}
        data = json.loads(answer) if answer.strip() else {}
        with self.workspace.lock:
            stack = self.workspace.modals.get(user, [])
            action = data.get("response_action")
            if action == "errors":
                modal.errors = data.get("errors", {})
            elif action == "update":
                modal.replace_view(data["view"], f"{next(self.workspace.ids)}.h")
            elif action == "push":
                self.workspace.push_modal(user, data["view"])
            elif action == "clear":
                stack.clear()
            elif stack:
                stack.pop()
        return {"ok": True, "errors": modal.errors}

    def close(self, user: str) -> None:
        with self.workspace.lock:
            stack = self.workspace.modals.get(user, [])
            if stack:
                stack.pop()

    def shortcut(self, user: str, channel: str, ts: str, callback_id: str) -> dict[str, Any]:
        message = self.workspace.find(channel, ts)
        status, _ = self._interactive({
            "type": "message_action", "callback_id": callback_id, "team": {"id": "T0SANDBOX"},
            "user": {"id": user}, "api_app_id": "A0COPROD", "trigger_id": self._trigger(user),
            "channel": {"id": channel}, "message_ts": ts,
            "message": {"ts": ts, "text": message.text},
            "response_url": self._response_url(user, channel, None)})
        return {"ok": status == 200}

    def home_opened(self, user: str) -> None:
        body = json.dumps({"token": "sandbox", "team_id": "T0SANDBOX", "api_app_id": "A0COPROD",
                           "type": "event_callback",
                           "event_id": f"Ev{next(self.workspace.ids):08d}",
                           "event_time": int(time.time()),
                           "event": {"type": "app_home_opened", "user": user, "tab": "home",
                                     "channel": "D" + user[1:],
                                     "event_ts": self.workspace.new_ts()}})
        self._send(body, "application/json")

    # -- the page's view of it all ------------------------------------------------------------
    def state_for(self, user: str) -> dict[str, Any]:
        with self.workspace.lock:
            visible = [m for m in self.workspace.messages
                       if m.ephemeral_for in (None, user)
                       and (not m.channel.startswith("D") or m.channel == "D" + user[1:])]
            stack = self.workspace.modals.get(user, [])
            modal = stack[-1] if stack else None
            return {
                "channels": [{"id": c, "name": n} for c, n in self.workspace.channels.items()],
                "messages": [m.as_json() for m in visible],
                "modal": ({"id": modal.id, "view": modal.view, "errors": modal.errors,
                           "values": modal.values} if modal else None),
                "home": self.workspace.homes.get(user),
                "names": self.workspace.names,
            }


def kept_history(workspace: StandInWorkspace) -> dict[str, Any]:
    """What a restart should not lose: channel and DM history and App Home. Open modals and
    response_urls are not kept: Slack drops those too when the app goes away."""
    with workspace.lock:
        return {"messages": [asdict(m) for m in workspace.messages],
                "homes": dict(workspace.homes), "next_id": next(workspace.ids),
                # Shared files, so their links still work after a restart.
                "files": [{"id": f.id, "name": f.name, "title": f.title,
                           "channel": f.channel,
                           "content": base64.b64encode(f.content or b"").decode()}
                          for f in workspace.uploads.shared.values() if f.channel is not None]}


def restore_history(workspace: StandInWorkspace, kept: dict[str, Any]) -> None:
    with workspace.lock:
        workspace.messages = [Message(**m) for m in kept.get("messages", [])]
        workspace.homes = dict(kept.get("homes", {}))
        workspace.uploads.shared = {f["id"]: SharedFile(f["id"], f["name"], f["title"],
                                                      base64.b64decode(f["content"]),
                                                      f["channel"])
                                   for f in kept.get("files", [])}
        workspace.ids = itertools.count(int(kept.get("next_id", 1)))


def not_a_command(command: str) -> str:
    """What Slack says to a slash command no app in the workspace has."""
    return (f"{command} is not a valid command. In Slack, a message that starts with \"/\" is "
            "read as a command; to send one as a message, start it with a space.")


DISPATCH_FAILED = "{command} failed: the app did not answer. Try again in a moment."


def handle_api(standin: StandInWorkspace, method: str, raw: bytes,
               content_type: str) -> dict[str, Any]:
    """A Web API call as WebClient sends it: form-encoded, or JSON for the richer methods."""
    text = raw.decode("utf-8", "replace")
    params: dict[str, Any] = (json.loads(text or "{}") if "json" in content_type
                              else dict(parse_qsl(text)))
    return standin.call(method, params)
