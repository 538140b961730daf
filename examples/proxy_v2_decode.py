#!/usr/bin/env python3
"""Reference decoder of the PROXY protocol v2 header ferry sends (send-proxy-v2), stdlib only.

Use decode() in an application behind ferry: it takes the bytes read first on a connection and
returns the header's fields and how many bytes it took. It understands what ferry sends: TCP over
IPv4 and IPv6, AF_UNIX (a client of a UNIX socket: its path and the path it connected to), LOCAL
(health checks), the crc32c TLV (checked) and ferry's peer-credentials TLV 0xE0 (the client's
pid, uid and gid). The README's "PROXY protocol" section documents the bytes.

Run as a program, it is a tiny receiver for trying it out: it listens on a UNIX socket and
answers each connection with its decoded header as one line of JSON, then closes:
    python3 proxy_v2_decode.py /run/app.sock
"""
import ipaddress
import json
import os
import socket
import struct
import sys

SIGNATURE = b"\r\n\r\n\x00\r\nQUIT\n"
TLV_CRC32C = 0x03
TLV_FERRY_PEER_CREDS = 0xE0


class HeaderError(ValueError):
    pass


def crc32c(data):
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 & -(crc & 1))
    return crc ^ 0xFFFFFFFF


def _unix_path(raw):
    # 108 bytes, zero-padded; an abstract name starts with a NUL and is shown as "@name".
    if raw[:1] == b"\x00":
        name = raw[1:].rstrip(b"\x00")
        return "@" + name.decode("utf-8", "replace") if name else ""
    return raw.split(b"\x00", 1)[0].decode("utf-8", "replace")


def decode(data):
    """Returns (fields, length) for a complete header at the start of `data`, or None when more
    bytes are needed. Raises HeaderError for bytes that are not a valid v2 header."""
    if len(data) < 16:
        if not SIGNATURE.startswith(data[:12]):
            raise HeaderError("not a PROXY protocol v2 header")
        return None
    if data[:12] != SIGNATURE:
        raise HeaderError("not a PROXY protocol v2 header")
    ver_cmd, family, length = data[12], data[13], struct.unpack("!H", data[14:16])[0]
    if ver_cmd not in (0x20, 0x21):
        raise HeaderError("unknown version or command 0x%02x" % ver_cmd)
    if len(data) < 16 + length:
        return None
    header, body = data[:16 + length], data[16:16 + length]
    fields = {"command": "PROXY" if ver_cmd == 0x21 else "LOCAL"}
    sizes = {0x11: 12, 0x21: 36, 0x31: 216}
    addr_len = sizes.get(family, 0)
    if len(body) < addr_len:
        raise HeaderError("addresses shorter than their family")
    if family == 0x11:
        src, dst, sport, dport = struct.unpack("!4s4sHH", body[:12])
        fields.update(family="TCP4", src=str(ipaddress.IPv4Address(src)), src_port=sport,
                      dst=str(ipaddress.IPv4Address(dst)), dst_port=dport)
    elif family == 0x21:
        src, dst, sport, dport = struct.unpack("!16s16sHH", body[:36])
        fields.update(family="TCP6", src=str(ipaddress.IPv6Address(src)), src_port=sport,
                      dst=str(ipaddress.IPv6Address(dst)), dst_port=dport)
    elif family == 0x31:
        fields.update(family="UNIX", src=_unix_path(body[:108]), dst=_unix_path(body[108:216]))
    else:
        fields["family"] = "UNSPEC"
    pos = addr_len
    while pos < len(body):
        if len(body) - pos < 3:
            raise HeaderError("truncated TLV")
        tlv_type, tlv_len = body[pos], struct.unpack("!H", body[pos + 1:pos + 3])[0]
        value = body[pos + 3:pos + 3 + tlv_len]
        if len(value) != tlv_len:
            raise HeaderError("TLV longer than the header")
        if tlv_type == TLV_CRC32C:
            at = 16 + pos + 3
            zeroed = header[:at] + b"\x00\x00\x00\x00" + header[at + 4:]
            if tlv_len != 4 or crc32c(zeroed) != struct.unpack("!I", value)[0]:
                raise HeaderError("crc32c mismatch")
            fields["crc32c"] = "ok"
        elif tlv_type == TLV_FERRY_PEER_CREDS and tlv_len == 12:
            pid, uid, gid = struct.unpack("!III", value)
            fields.update(pid=pid, uid=uid, gid=gid)
        pos += 3 + tlv_len
    return fields, 16 + length


def _serve(path):
    if os.path.exists(path):
        os.unlink(path)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(64)
    while True:
        conn, _ = listener.accept()
        with conn:
            data = b""
            try:
                result = None
                while result is None:
                    chunk = conn.recv(4096)
                    if not chunk:
                        raise HeaderError("closed before a whole header")
                    data += chunk
                    result = decode(data)
                fields = result[0]
            except HeaderError as e:
                fields = {"error": str(e)}
            try:
                conn.sendall((json.dumps(fields, sort_keys=True) + "\n").encode())
                # Read what the client sends until it is done: closing with unread bytes would
                # reset the connection, and the answer with it.
                conn.shutdown(socket.SHUT_WR)
                conn.settimeout(10)
                while conn.recv(65536):
                    pass
            except OSError:
                pass  # the client left first


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: proxy_v2_decode.py SOCKET_PATH")
    _serve(sys.argv[1])
