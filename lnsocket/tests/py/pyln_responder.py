"""pyln-proto as the BOLT 8 responder: listens on 127.0.0.1, accepts one
connection, then echoes the Rust initiator's requests (see common.py).
Usage: pyln_responder.py COUNT"""
import socket
import sys

from common import ExactSocket, LightningConnection, fail, random_key, run_exchange

count = int(sys.argv[1])
key = random_key()
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(('127.0.0.1', 0))
srv.listen(1)
srv.settimeout(60)
port = srv.getsockname()[1]
print("READY %d %s" % (port, key.public_key().serializeCompressed().hex()), flush=True)
sock, _ = srv.accept()
sock.settimeout(60)
conn = LightningConnection(ExactSocket(sock), remote_pubkey=None,
                           local_privkey=key, is_initiator=False)
try:
    conn.shake()
except Exception as e:  # noqa: BLE001
    fail("handshake failed: %r" % e)
print("REMOTE %s" % conn.remote_pubkey.serializeCompressed().hex(), flush=True)
run_exchange(conn, count, initiator=False)
