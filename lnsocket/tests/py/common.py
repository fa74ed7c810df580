"""Shared helpers for the pyln-proto interop peers (BOLT 1 framing only)."""
import os
import socket
import struct
import sys

from pyln.proto.wire import LightningConnection, PrivateKey, PublicKey  # noqa: F401

INIT, PING, PONG = 16, 18, 19
REQUEST_TYPE, REPLY_TYPE = 32769, 32771  # custom (odd, >= 32768)


class ExactSocket:
    """A socket whose recv(n) returns exactly n bytes unless the peer closes,
    and whose send() sends everything: pyln-proto reads fixed-size acts and
    headers with a single recv()."""

    def __init__(self, sock):
        # pyln-proto sends header and body in two writes: without NODELAY,
        # Nagle plus delayed ACKs add ~40 ms to each message.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock = sock

    def recv(self, n):
        buf = b''
        while len(buf) < n:
            d = self.sock.recv(n - len(buf))
            if not d:
                break
            buf += d
        return buf

    def send(self, data):
        self.sock.sendall(data)
        return len(data)

    def close(self):
        self.sock.close()


def fail(msg):
    print("pyln peer: " + msg, file=sys.stderr, flush=True)
    sys.exit(1)


def init_msg():
    # features: bits 8 (var_onion_optin, required) and 39 (option_onion_messages, optional)
    features = (1 << 8 | 1 << 39).to_bytes(5, 'big')
    return struct.pack('>HH', INIT, 0) + struct.pack('>H', len(features)) + features


def msg_type(m):
    if len(m) < 2:
        fail("message without type")
    return struct.unpack('>H', m[:2])[0]


def payload_for(i):
    """Request i: a 4-byte index then filler; one request is near the maximum size."""
    size = 60000 if i == 7 else (i * 37) % 1500
    return struct.pack('>I', i) + bytes((i + k) % 251 for k in range(size))


def run_exchange(conn, count, initiator):
    """Exchange init and send a ping whose pong the Rust side must send by
    itself. If `initiator`, send `count` requests one at a time and check each
    echo; otherwise echo the `count` requests the Rust side sends."""
    conn.send_message(init_msg())
    m = conn.read_message()
    if msg_type(m) != INIT:
        fail("first message was type %d, not init" % msg_type(m))

    # Ask for a pong: the Rust side must answer automatically.
    conn.send_message(struct.pack('>HHH', PING, 10, 0))
    got_pong = False
    if initiator:
        # One request at a time, so neither side's socket buffers can fill up.
        for i in range(count):
            conn.send_message(struct.pack('>H', REQUEST_TYPE) + payload_for(i))
            while True:
                m = conn.read_message()
                t = msg_type(m)
                if t == PONG:
                    if m[2:4] != struct.pack('>H', 10) or len(m) != 14:
                        fail("bad pong %s" % m.hex())
                    got_pong = True
                elif t == REPLY_TYPE:
                    if m[2:] != payload_for(i):
                        fail("echo %d differs" % i)
                    break
                else:
                    fail("unexpected message type %d" % t)
        while not got_pong:
            m = conn.read_message()
            if msg_type(m) != PONG:
                fail("unexpected message type %d" % msg_type(m))
            got_pong = True
    else:
        requests = 0
        while requests < count or not got_pong:
            m = conn.read_message()
            t = msg_type(m)
            if t == PONG:
                if len(m) != 14:
                    fail("bad pong %s" % m.hex())
                got_pong = True
            elif t == REQUEST_TYPE:
                if m[2:] != payload_for(requests):
                    fail("request %d differs" % requests)
                conn.send_message(struct.pack('>H', REPLY_TYPE) + m[2:])
                requests += 1
            elif t == PING:
                num = struct.unpack('>H', m[2:4])[0]
                conn.send_message(struct.pack('>HH', PONG, num) + b'\0' * num)
            else:
                fail("unexpected message type %d" % t)
    print("DONE", flush=True)


def random_key():
    return PrivateKey(os.urandom(32))
