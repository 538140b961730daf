#!/usr/bin/env python3
"""A small FastCGI responder for the tests: fcgi_app.py SOCKET MAX_CONNS

Listens on the UNIX socket SOCKET. GET_VALUES is answered with FCGI_MAX_CONNS=MAX_CONNS and
FCGI_MPXS_CONNS=0 (PHP-FPM gives no FCGI_MAX_CONNS); each request gets the STDERR line
"one line in two records" in two records 0.1 s apart (two reads for the proxy), then, 0.2 s
later, "served\n"; the connection is kept when BEGIN_REQUEST asks for it (FCGI_KEEP_CONN).
Connections are served at once, each on its own thread.
"""
import os
import socket
import struct
import sys
import threading
import time


def record(rtype, rid, content=b""):
    return struct.pack(">BBHHBx", 1, rtype, rid, len(content), 0) + content


def pair(name, value):
    return bytes([len(name), len(value)]) + name + value


def read_exact(conn, n):
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def serve(conn, max_conns):
    keep = True
    while keep:
        keep = False
        while True:
            head = read_exact(conn, 8)
            if head is None:
                conn.close()
                return
            _, rtype, rid, length, padding = struct.unpack(">BBHHBx", head)
            content = read_exact(conn, length + padding)[:length]
            if rtype == 9:  # GET_VALUES
                values = pair(b"FCGI_MAX_CONNS", max_conns) + pair(b"FCGI_MPXS_CONNS", b"0")
                conn.sendall(record(10, 0, values))
            elif rtype == 1:  # BEGIN_REQUEST
                keep = bool(content[2] & 1)
            elif rtype == 5 and length == 0:  # the end of STDIN: answer
                conn.sendall(record(7, rid, b"one line in "))
                time.sleep(0.1)
                conn.sendall(record(7, rid, b"two records\n"))
                time.sleep(0.2)
                out = b"Content-Type: text/plain\r\n\r\nserved\n"
                conn.sendall(record(6, rid, out) + record(6, rid) + record(3, rid, bytes(8)))
                break
    conn.close()


def main():
    path, max_conns = sys.argv[1], sys.argv[2].encode()
    if os.path.exists(path):
        os.unlink(path)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(64)
    while True:
        conn, _ = server.accept()
        threading.Thread(target=serve, args=(conn, max_conns), daemon=True).start()


if __name__ == "__main__":
    main()
