#!/usr/bin/env python3
"""Keeps a page open in headless Chromium and records what it renders (python3-websockets and
Debian's chromium), driven over the DevTools protocol:

  browser_page.py URL OUTDIR ROW

1. loads URL (it may carry user:password@), waits until the row `tr[data-row=ROW]` is rendered,
   writes the DOM (document.documentElement.outerHTML) to OUTDIR/rest.html and a screenshot to
   OUTDIR/rest.png, then creates OUTDIR/opened;
2. waits (30 s at most) for OUTDIR/trigger, which the test creates once the server of that row
   is DOWN, and keeps the page open meanwhile (it reloads itself: `stats refresh`);
3. waits (10 s at most) until the page, refreshed by itself, renders the row with class `down`,
   then writes OUTDIR/down.html and OUTDIR/down.png.
Exit status 0 when all of that happened, 1 otherwise (the reason on stderr).
"""
import asyncio
import base64
import json
import os
import re
import subprocess
import sys
import tempfile
import time

import websockets


class Browser:
    def __init__(self, ws):
        self.ws, self.next_id = ws, 0

    async def call(self, method, session=None, **params):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params}
        if session:
            msg["sessionId"] = session
        await self.ws.send(json.dumps(msg))
        while True:
            reply = json.loads(await self.ws.recv())
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]


async def evaluate(b, session, expr):
    r = await b.call("Runtime.evaluate", session, expression=expr, returnByValue=True)
    return r["result"].get("value")


async def wait_for(b, session, expr, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if await evaluate(b, session, expr):
                return True
        except RuntimeError:
            pass  # the page is being replaced by its refresh
        await asyncio.sleep(0.1)
    return False


async def record(b, session, outdir, name):
    html = await evaluate(b, session, "document.documentElement.outerHTML")
    with open(os.path.join(outdir, name + ".html"), "w", encoding="utf-8") as f:
        f.write(html)
    shot = await b.call("Page.captureScreenshot", session, format="png")
    with open(os.path.join(outdir, name + ".png"), "wb") as f:
        f.write(base64.b64decode(shot["data"]))


async def drive(ws_url, url, outdir, row):
    async with websockets.connect(ws_url, max_size=None) as ws:
        b = Browser(ws)
        target = await b.call("Target.createTarget", url="about:blank")
        attached = await b.call("Target.attachToTarget", targetId=target["targetId"], flatten=True)
        session = attached["sessionId"]
        await b.call("Emulation.setDeviceMetricsOverride", session, width=1280, height=900,
                     deviceScaleFactor=1, mobile=False)
        creds = re.match(r"(\w+://)([^@/]+)@(.*)", url)
        if creds:  # sent as a header: Chromium drops credentials written in the URL
            url = creds.group(1) + creds.group(3)
            token = base64.b64encode(creds.group(2).encode()).decode()
            await b.call("Network.enable", session)
            await b.call("Network.setExtraHTTPHeaders", session,
                         headers={"Authorization": "Basic " + token})
        await b.call("Page.navigate", session, url=url)
        sel = f'document.querySelector(\'tr[data-row="{row}"]\')'
        if not await wait_for(b, session, f"!!{sel}", 10):
            sys.exit(f"the row {row} never rendered")
        await record(b, session, outdir, "rest")
        open(os.path.join(outdir, "opened"), "w").close()
        deadline = time.monotonic() + 30
        while not os.path.exists(os.path.join(outdir, "trigger")):
            if time.monotonic() > deadline:
                sys.exit("no trigger came")
            await asyncio.sleep(0.05)
        if not await wait_for(b, session, f"!!{sel} && {sel}.classList.contains('down')", 10):
            sys.exit(f"the row {row} never showed down")
        await record(b, session, outdir, "down")


def main():
    url, outdir, row = sys.argv[1:4]
    profile = tempfile.mkdtemp(prefix="chromium-")
    chromium = subprocess.Popen(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--remote-debugging-port=0", f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        ws_url = None
        for line in chromium.stderr:
            m = re.search(r"DevTools listening on (ws://\S+)", line)
            if m:
                ws_url = m.group(1)
                break
        if not ws_url:
            sys.exit("chromium did not start its DevTools endpoint")
        asyncio.run(drive(ws_url, url, outdir, row))
    finally:
        chromium.kill()
        chromium.wait()
        subprocess.run(["rm", "-rf", profile])


if __name__ == "__main__":
    main()
