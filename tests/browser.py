"""A headless Chromium driven over the DevTools protocol, for the browser tests: load a page,
collect console errors and uncaught exceptions, evaluate JavaScript in it.

Chromium is a system package (``.ci/run`` installs it when missing); :func:`chromium` is
None when it is not found.
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.request import Request, urlopen

import websocket

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--remote-debugging-port=0", "--remote-allow-origins=*", "--window-size=1280,2000"]


def chromium() -> str | None:
    """The Chromium binary, or None."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


class Browser:
    """One headless Chromium with a fresh profile; use as a context manager."""

    def __init__(self, binary: str) -> None:
        self.profile = tempfile.mkdtemp(prefix="sa-chromium-")
        self.proc = subprocess.Popen(
            [binary, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
        deadline = time.monotonic() + 30
        url = None
        while url is None and time.monotonic() < deadline:
            line = self.proc.stderr.readline()
            found = re.search(r"DevTools listening on (ws://\S+)", line)
            url = found.group(1) if found else None
            if not line and self.proc.poll() is not None:
                break
        if url is None:
            self.close()
            raise RuntimeError("Chromium did not start its DevTools endpoint")
        self.port = re.search(r":(\d+)/", url).group(1)
        self.ids = itertools.count(1)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.profile, ignore_errors=True)

    def load(self, path: Path, script: str, timeout: float = 60) -> tuple[list[str], Any]:
        """Open ``path`` in a new tab, wait for its load event and ``script``'s result.

        Returns
        -------
        (errors, value)
            Console errors and uncaught exceptions of the page; the script's JSON value.
        """
        target = json.loads(_http_put(f"http://127.0.0.1:{self.port}/json/new?about:blank"))
        ws = websocket.create_connection(target["webSocketDebuggerUrl"], timeout=timeout)
        errors: list[str] = []
        try:
            for method in ("Runtime.enable", "Log.enable", "Page.enable"):
                self._call(ws, method, {}, errors)
            self._call(ws, "Page.navigate", {"url": path.resolve().as_uri()}, errors)
            self._wait(ws, "Page.loadEventFired", errors, timeout)
            result = self._call(ws, "Runtime.evaluate", {
                "expression": script, "returnByValue": True, "awaitPromise": True,
            }, errors)
            time.sleep(0.2)
            ws.settimeout(0.5)
            try:
                while True:
                    self._collect(json.loads(ws.recv()), errors)
            except websocket.WebSocketTimeoutException:
                pass
        finally:
            ws.close()
        value = result.get("result", {}).get("value")
        if "exceptionDetails" in result:
            errors.append("script failed: " + json.dumps(result["exceptionDetails"])[:300])
        return errors, value

    def _call(self, ws: Any, method: str, params: dict, errors: list[str]) -> dict:
        call_id = next(self.ids)
        ws.send(json.dumps({"id": call_id, "method": method, "params": params}))
        while True:
            message = json.loads(ws.recv())
            if message.get("id") == call_id:
                return message.get("result", {})
            self._collect(message, errors)

    def _wait(self, ws: Any, event: str, errors: list[str], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            message = json.loads(ws.recv())
            if message.get("method") == event:
                return
            self._collect(message, errors)
        raise TimeoutError(event)

    @staticmethod
    def _collect(message: dict, errors: list[str]) -> None:
        method, params = message.get("method"), message.get("params", {})
        if method == "Runtime.exceptionThrown":
            errors.append("exception: " + str(params["exceptionDetails"].get("text")))
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            errors.append("console: " + json.dumps(params.get("args"))[:300])
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            errors.append("log: " + params["entry"].get("text", "") + " "
                          + params["entry"].get("url", ""))


def _http_put(url: str) -> str:
    with urlopen(Request(url, method="PUT"), timeout=10) as response:
        return response.read().decode()

