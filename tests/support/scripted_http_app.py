#!/usr/bin/env python3
"""An HTTP/1.1 application on UNIX sockets for the tests (ScriptedHttpApp, scripted_http_app.hpp):

  scripted_http_app.py BODY STATUS NAME=PATH...

serves each socket PATH; every request (its Content-Length body read and dropped) is answered with
status 200, or with STATUS `from-path` the status its path starts with (`/404` answers 404, others
200), and the body BODY, in which
`{name}` is the socket's NAME, `{path}` the request's path and `{FIELD}` the value of the request
field FIELD (lower case; `-` when it is absent). A request field `X-Set: V` is answered with
`Set-Cookie: V`, `X-CC: V` with `Cache-Control: V`. `/slow` answers after a second, `/garbage`
with a bad status line (then closes).
"""
import http.client
import re
import socket
import sys
import threading
import time


def answer(template, status_from_path, name, path, fields):
    values = dict(fields)
    values.update({"name": name, "path": path})
    body = re.sub(r"\{([^}]+)\}", lambda m: values.get(m.group(1), "-"), template).encode()
    code = int(path[1:4]) if status_from_path and path[1:4].isdigit() else 200
    head = "HTTP/1.1 %d %s\r\n" % (code, http.client.responses.get(code, "X"))
    if "x-set" in fields:
        head += "Set-Cookie: %s\r\n" % fields["x-set"]
    if "x-cc" in fields:
        head += "Cache-Control: %s\r\n" % fields["x-cc"]
    return (head + "Content-Length: %d\r\n\r\n" % len(body)).encode() + body


def serve(c, template, status_from_path, name):
    buf = b""
    while True:
        while b"\r\n\r\n" not in buf:
            d = c.recv(65536)
            if not d:
                c.close()
                return
            buf += d
        head, buf = buf.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        path = lines[0].split(" ")[1]
        fields = {}
        for line in lines[1:]:
            k, v = line.split(":", 1)
            fields.setdefault(k.strip().lower(), v.strip())
        n = int(fields.get("content-length", "0"))
        while len(buf) < n:
            d = c.recv(65536)
            if not d:
                c.close()
                return
            buf += d
        buf = buf[n:]
        if path == "/slow":
            time.sleep(1)
        if path == "/garbage":
            c.sendall(b"NOT HTTP\r\n\r\n")
            c.close()
            return
        try:
            c.sendall(answer(template, status_from_path, name, path, fields))
        except OSError:
            return


def listen(template, status_from_path, name, path):
    s = socket.socket(socket.AF_UNIX)
    s.bind(path)
    s.listen(64)
    while True:
        threading.Thread(target=serve, args=(s.accept()[0], template, status_from_path, name),
                         daemon=True).start()


def main():
    template, status_from_path = sys.argv[1], sys.argv[2] == "from-path"
    for arg in sys.argv[3:]:
        name, path = arg.split("=", 1)
        threading.Thread(target=listen, args=(template, status_from_path, name, path),
                         daemon=True).start()
    threading.Event().wait()


if __name__ == "__main__":
    main()
