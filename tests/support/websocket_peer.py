#!/usr/bin/python3
"""WebSocket peers for tests/integration/http_websocket.cpp, on python3-websockets.

  websocket_peer.py serve SOCKET      echo server on a UNIX socket; a text message 'whoami' is
                                      answered with the request's path and X-Forwarded-For
  websocket_peer.py echo URI          client: text, binary and a 4 MiB message echoed byte for
                                      byte, then the close handshake; prints OK or what failed
  websocket_peer.py idle URI          client: one exchange, then waits for the connection to be
                                      closed under it; prints 'closed after S s code C'
"""
import asyncio
import hashlib
import sys
import time

import websockets


async def serve(path):
    async def echo(ws, _path=None):
        async for message in ws:
            if message == "whoami":
                message = "path=%s xff=%s" % (ws.path, ws.request_headers.get("X-Forwarded-For"))
            await ws.send(message)
    async with websockets.unix_serve(echo, path, max_size=None, ping_interval=None):
        await asyncio.Future()


async def echo_client(uri):
    big = bytes((i * 31 + 7) & 255 for i in range(4 << 20))
    messages = ["hello", "ünïcødé ✓", "x" * 70000] + [bytes([i] * (i + 1)) for i in range(5)]
    messages += [bytes(range(256)), big, "last"]
    async with websockets.connect(uri, max_size=None, ping_interval=None) as ws:
        await ws.send("whoami")
        print(await ws.recv())
        for m in messages:
            await ws.send(m)
            got = await ws.recv()
            if got != m:
                print("MISMATCH %s: sent %d %s, got %d %s" % (
                    type(m).__name__, len(m), hashlib.sha256(m if isinstance(m, bytes) else m.encode()).hexdigest(),
                    len(got), type(got).__name__))
                return 1
        await ws.close(code=1000, reason="bye")
        print("closed code=%s reason=%s" % (ws.close_code, ws.close_reason))
    print("OK %d messages, %d bytes in the largest" % (len(messages), len(big)))
    return 0


async def idle_client(uri):
    async with websockets.connect(uri, ping_interval=None) as ws:
        await ws.send("ping")
        await ws.recv()
        start = time.monotonic()
        try:
            await asyncio.wait_for(ws.recv(), 20)
            print("unexpected message")
        except websockets.ConnectionClosed:
            print("closed after %.2f s code %s" % (time.monotonic() - start, ws.close_code))
        except asyncio.TimeoutError:
            print("still open after 20 s")
    return 0


def main():
    mode, where = sys.argv[1], sys.argv[2]
    if mode == "serve":
        asyncio.run(serve(where))
        return 0
    return asyncio.run({"echo": echo_client, "idle": idle_client}[mode](where))


if __name__ == "__main__":
    sys.exit(main())
