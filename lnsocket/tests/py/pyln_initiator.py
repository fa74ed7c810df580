"""pyln-proto as the BOLT 8 initiator: connects to the Rust responder on
127.0.0.1 and sends it requests to echo (see common.py).
Usage: pyln_initiator.py NODE_ID PORT COUNT"""
import socket
import sys

from common import (ExactSocket, LightningConnection, PublicKey, fail,
                    random_key, run_exchange)

node_id, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
key = random_key()
print("KEY %s" % key.public_key().serializeCompressed().hex(), flush=True)
sock = socket.create_connection(('127.0.0.1', port), timeout=60)
conn = LightningConnection(ExactSocket(sock), remote_pubkey=PublicKey(bytes.fromhex(node_id)),
                           local_privkey=key, is_initiator=True)
try:
    conn.shake()
except Exception as e:  # noqa: BLE001
    fail("handshake failed: %r" % e)
run_exchange(conn, count, initiator=True)
