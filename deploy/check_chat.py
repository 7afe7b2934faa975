#!/usr/bin/env python3
"""The conversation of the compose check (deploy/check.sh), against the running compose file.

    check_chat.py GATEWAY_URL -- COMPOSE_COMMAND...

Talks to the gateway's published port as a browser does; reaches the ERP, which publishes
nothing, through `COMPOSE exec erp` with a manager key (`$CHECK_MANAGER_KEY`). Steps:

1. link a demo customer with a one-time code, ask an order's status;
2. start an order, restart `rasa-1` gracefully in the middle of the form, finish the order,
   and find it in the ERP with its line, date and address;
3. kill the Rasa replica that takes the next turn hard (`docker kill`) while that turn runs,
   then time how long until the chat answers again, and ask about the new order (the
   conversation's tracker survived);
4. start the killed replica again and wait until it takes turns.

Prints what was typed and answered, and the figures; exits non-zero when a step fails.
Standard library only: it runs with the host's python3.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from datetime import date, timedelta
from typing import Any

ORDER = re.compile(r"SO-\d{4}-\d{5}")
CUSTOMER = "CUST-0004"
DOCKER = os.environ.get("DOCKER", "docker")


class Failed(Exception):
    pass


def check(condition: bool, what: str) -> None:
    if not condition:
        raise Failed(what)
    print(f"   ok: {what}")


class Stack:
    """The compose project: `exec` into a service, the replicas' names, their logs."""

    def __init__(self, compose: list[str]) -> None:
        self.compose = compose

    def run(self, *args: str, stdin: str | None = None, check: bool = True) -> str:
        done = subprocess.run(
            [*self.compose, *args], input=stdin, capture_output=True, text=True, check=False
        )
        if check and done.returncode != 0:
            raise Failed(f"{' '.join(args)}: {done.stderr.strip()[-400:]}")
        return done.stdout

    def erp(self, method: str, path: str, body: Any = None) -> Any:
        """One ERP API call from inside the erp container, as the manager."""
        script = (
            "import json,os,sys,urllib.request,urllib.error\n"
            "r=json.load(sys.stdin)\n"
            "q=urllib.request.Request('http://127.0.0.1:8000/api/v1'+r['path'],"
            "data=None if r['body'] is None else json.dumps(r['body']).encode(),"
            "method=r['method'],headers={'Content-Type':'application/json',"
            "'Authorization':'Bearer '+r['key']})\n"
            "try:\n"
            "    print(urllib.request.urlopen(q,timeout=30).read().decode())\n"
            "except urllib.error.HTTPError as e:\n"
            "    print(json.dumps({'status':e.code,'error':e.read().decode()}))\n"
        )
        request = {"method": method, "path": path, "body": body, "key": manager_key()}
        answer = self.run("exec", "-T", "erp", "python", "-c", script, stdin=json.dumps(request))
        return json.loads(answer)

    def container(self, service: str) -> str:
        return self.run("ps", "-a", "-q", service).strip()

    def health(self, service: str) -> str:
        """`running/healthy`, `exited/unhealthy`..., or `absent`."""
        cid = self.container(service)
        if not cid:
            return "absent"
        done = subprocess.run(
            [DOCKER, "inspect", "-f", "{{.State.Status}}/{{.State.Health.Status}}", cid],
            capture_output=True,
            text=True,
            check=False,
        )
        return done.stdout.strip() or "absent"

    def calls_to_actions(self, service: str) -> set[str]:
        """The open connections of `service` to the action server (port 5055), by local
        address: a replica in a turn waits on one."""
        tables = self.run("exec", "-T", service, "cat", "/proc/net/tcp", "/proc/net/tcp6")
        rows = [line.split() for line in tables.splitlines()]
        # remote address ends in :13BF (5055), state 01 (ESTABLISHED)
        return {
            row[1] for row in rows if len(row) > 3 and row[2].endswith(":13BF") and row[3] == "01"
        }

    def last_replica(self) -> str | None:
        """The Rasa server that answered the gateway's latest turn (its JSON log line)."""
        lines = self.run("logs", "--no-log-prefix", "gateway").splitlines()
        for line in reversed(lines):
            if '"turn answered"' in line:
                by = json.loads(line).get("by", "")
                found = re.search(r"//(rasa-\d)", by)
                return found.group(1) if found else None
        return None


def manager_key() -> str:
    return os.environ["CHECK_MANAGER_KEY"]


class Browser:
    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        self.opener.open(self.url + "/", timeout=30).read()
        self.last: list[dict[str, Any]] = []

    def send(self, text: str | None = None, payload: str | None = None) -> str:
        body = {"text": text} if text is not None else {"payload": payload}
        print(f"   you: {text if text is not None else '[' + str(payload) + ']'}")
        request = urllib.request.Request(
            self.url + "/chat/messages",
            data=json.dumps(body).encode(),
            method="POST",
            headers={"Content-Type": "application/json", "Origin": self.url},
        )
        try:
            with self.opener.open(request, timeout=90) as response:
                self.last = json.loads(response.read())["replies"]
        except urllib.error.HTTPError as error:
            answer = error.read()[:200]
            raise Failed(f"the gateway answered HTTP {error.code}: {answer!r}") from None
        said = "\n".join(reply.get("text") or "" for reply in self.last)
        for line in said.splitlines() or ["(nothing)"]:
            print(f"        bot: {line}")
        return said

    def press(self, title: str) -> str:
        for reply in self.last:
            for button in reply.get("buttons") or []:
                if button["title"].lower().startswith(title.lower()):
                    return self.send(payload=button["payload"])
        raise Failed(f"no button {title!r} in the last reply")


def wait_until(what: str, test: Any, seconds: float) -> float:
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if test():
            return time.monotonic() - start
        time.sleep(1)
    raise Failed(f"{what}: not within {seconds:.0f} s")


def main(url: str, compose: list[str]) -> None:
    stack = Stack(compose)
    chat = Browser(url)
    figures: dict[str, str] = {}

    print("== 1. link a customer, ask an order's status")
    code = stack.erp("POST", "/identity/link-codes", {"customer_code": CUSTOMER})["code"]
    check("now linked" in chat.send(f"link {code}"), f"the chat is linked to {CUSTOMER}")
    known = stack.erp("GET", f"/orders?customer_code={CUSTOMER}")["items"][0]["number"]
    check(known in chat.send(f"where is {known}?"), f"the status of {known} is answered")

    print("== 2. an order, with rasa-1 restarted gracefully in the middle of the form")
    before = {o["number"] for o in stack.erp("GET", f"/orders?customer_code={CUSTOMER}")["items"]}
    chat.send("I'd like to order 40 BOLT-M8 by Friday")
    started = time.monotonic()
    stack.run("restart", "rasa-1")
    figures["graceful restart (docker compose restart rasa-1)"] = (
        f"{time.monotonic() - started:.1f} s; the form went on on rasa-2"
    )
    preview = chat.press("Yes")  # the usual address
    check("40 x BOLT-M8" in preview, "the form went on after the restart: the preview has the line")
    number = ORDER.search(preview)
    check(number is not None, "the preview names the order")
    assert number is not None
    check(f"{number.group()} is confirmed" in chat.press("Confirm"), "the order is confirmed")
    order = stack.erp("GET", f"/orders/{number.group()}")
    check(number.group() not in before, "it is a new order")
    lines = [(line["sku"], str(line["quantity"])) for line in order["lines"]]
    check(order["status"] == "confirmed", "the ERP holds it confirmed")
    check(lines == [("BOLT-M8", "40")], f"the ERP holds one line, 40 x BOLT-M8 ({lines})")
    friday = date.fromisoformat(order["requested_delivery_date"])
    today = date.today()
    check(
        friday.weekday() == 4 and today <= friday <= today + timedelta(days=7),
        f"delivery on the coming Friday ({friday})",
    )
    check(bool(order["shipping_address"]), f"to the usual address ({order['shipping_address']})")
    wait_until("rasa-1 healthy again", lambda: stack.health("rasa-1").endswith("/healthy"), 300)

    print("== 3. the replica taking a turn killed hard in the middle of it")
    # To kill the replica surely inside the turn, with its conversation's lock held in Redis,
    # the action server is paused first: the turn waits in Rasa for its action; the replica
    # holding a connection to the action server is the one in the turn.
    actions = stack.container("actions")
    replicas = ("rasa-1", "rasa-2")
    idle = {name: stack.calls_to_actions(name) for name in replicas}  # kept-alive, if any
    subprocess.run([DOCKER, "pause", actions], check=True, capture_output=True)
    said: dict[str, str] = {}
    turn = threading.Thread(target=lambda: said.setdefault("text", chat.send("show my orders")))
    turn.start()
    time.sleep(2)
    [victim] = [name for name in replicas if stack.calls_to_actions(name) - idle[name]]
    killed_at = time.monotonic()
    subprocess.run([DOCKER, "kill", stack.container(victim)], check=True, capture_output=True)
    subprocess.run([DOCKER, "unpause", actions], check=True, capture_output=True)
    turn.join()
    print(f"   {victim} killed (docker kill) 2 s into the turn, waiting for its action")
    figures["hard kill"] = f"{victim} (docker kill) in the middle of a turn, its lock held"
    check(
        "something went wrong" in said.get("text", ""),
        "the interrupted turn is answered plainly, not resent",
    )
    figures["the interrupted turn"] = "'Sorry, something went wrong ... ask me about your orders'"

    def answers_again() -> bool:
        return number.group() in chat.send(f"what's the status of {number.group()}")

    wait_until("the chat answers again", answers_again, 60)
    recovery = time.monotonic() - killed_at
    figures["chat answers again after the kill"] = f"{recovery:.1f} s"
    check(recovery < 20, f"the chat answered again {recovery:.1f} s after the kill")

    print("== 4. the killed replica started again")
    state = stack.health(victim)
    print(f"   {victim} after the kill: {state}")
    figures[f"{victim} after docker kill"] = state
    stack.run("up", "-d", "--no-deps", victim)
    took = wait_until(f"{victim} healthy", lambda: stack.health(victim).endswith("/healthy"), 300)
    figures[f"{victim} healthy again"] = f"{took:.0f} s after `up -d`"
    served = set()
    for _ in range(4):
        chat.send(f"where is {known}?")
        served.add(stack.last_replica())
    check(served == {"rasa-1", "rasa-2"}, f"both replicas take turns again ({sorted(served)})")

    print("== figures")
    for name, value in figures.items():
        print(f"   {name}: {value}")


if __name__ == "__main__":
    if "--" not in sys.argv:
        raise SystemExit(__doc__)
    split = sys.argv.index("--")
    try:
        main(sys.argv[1], sys.argv[split + 1 :])
    except Failed as failure:
        print(f"FAILED: {failure}")
        raise SystemExit(1) from None
