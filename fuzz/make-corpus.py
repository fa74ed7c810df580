#!/usr/bin/env python3
"""Writes the seed corpora (fuzz/corpus/<target>/) from the spec vectors, Core Lightning's
captured decode strings and CLN's rune vectors. Idempotent: files are named by content hash.
Run from anywhere: python3 fuzz/make-corpus.py"""
import csv, hashlib, json, os, re, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = "/work/shared"
CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def put(target, data):
    if isinstance(data, str):
        data = data.encode()
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)


def b12_bytes(s):
    """BOLT 12 string -> (hrp, bytes), or None."""
    s = re.sub(r"\+\s*", "", s.strip()).lower()
    if "1" not in s:
        return None
    hrp, data = s.rsplit("1", 1)
    acc = bits = 0
    out = bytearray()
    for c in data:
        v = CHARSET.find(c)
        if v < 0:
            return None
        acc = (acc << 5) | v
        bits += 5
        if bits >= 8:
            bits -= 8
            out.append((acc >> bits) & 0xFF)
    return hrp, bytes(out)


def load(path):
    with open(path) as f:
        return json.load(f)


strings = []
for name in ["offers-test.json", "format-string-test.json"]:
    for case in load(f"{SHARED}/bolts/bolt12/{name}"):
        s = case.get("bolt12") or case.get("string")
        if s:
            strings.append(s)
for case in load(f"{ROOT}/bolt12/tests/data/cln-v26.06.6-decode.json")["cases"]:
    strings.append(case["string"])

BY_PREFIX = {"lno": ("bolt12_offer", 0), "lnr": ("bolt12_invoice_request", 1), "lni": ("bolt12_invoice", 2)}
for i, s in enumerate(strings):
    put("bolt12_string", bytes([i % 256]) + s.encode())
    decoded = b12_bytes(s)
    if decoded and decoded[0] in BY_PREFIX:
        target, selector = BY_PREFIX[decoded[0]]
        put(target, decoded[1])
        put("wire_generated", bytes([selector]) + decoded[1])
        put("ldk_differential", bytes([selector]) + decoded[1])
        put("wire_tlv_stream", decoded[1])

# invoice_error: error text, erroneous field and suggested value.
put("bolt12_invoice_error", bytes.fromhex("0103" "616263" "0501" "2a"))
put("bolt12_invoice_error", bytes.fromhex("010105"  "030120" "0504" "6e6f7065"))
put("bolt12_invoice_error", bytes.fromhex("0504" "6e6f7065"))

# BigSize, BOLT 1 Appendix A.
for h in ["00", "fc", "fd00fd", "fdffff", "fe00010000", "feffffffff", "ff0000000100000000",
          "ffffffffffffffffff", "fd00fc", "fe0000ffff", "ff00000000ffffffff", "fd00", "feffff"]:
    put("wire_bigsize", bytes.fromhex(h))

# BOLT 1 messages, Appendix C and a few of each type.
for h in ["001000000000", "001000000000c9012acb0104", "00100000000001", "001000000000ca012a",
          "001000000000c90101c90102", "0010000000022200" "01206fe28c0ab6f1b372c1a6a246ae63f74f931e8365e15a089c68d6190000000000",
          "001200040003000000", "0013000400000000", "0011" + "00" * 32 + "0004626f6f6d",
          "0001" + "00" * 32 + "000568656c6c6f", "0012ffff0000"]:
    put("bolt1_messages", bytes.fromhex(h))
    put("wire_generated", bytes([14 + {"0010": 0, "0011": 1, "0001": 2, "0012": 3, "0013": 4}[h[:4]]]) + bytes.fromhex(h[4:]))

# BOLT 8 handshake: the honest acts (zero masks) and raw acts.
for sel, n in [(0, 50), (1, 50), (2, 66)]:
    put("noise_handshake", bytes([sel]) + bytes(n))
    put("noise_handshake", bytes([sel]) + bytes(n) + b"hello")
    put("noise_handshake", bytes([sel | 0x80]) + bytes(n))
# Transport scripts: send, burst (crosses key rotation), tamper, garbage.
put("noise_transport", bytes([0, 0, 5, 1, 0, 0x00, 0xff, 3]))
put("noise_transport", bytes([1, 130, 0, 0, 40, 9, 2, 0, 10, 0, 3, 4]))
put("noise_transport", bytes([0, 0xff, 0xff, 200, 1, 255, 0, 0, 0, 1]))
put("noise_transport", bytes([3, 20]) + bytes(range(20)))

# Commando: reply scripts (client) and commands (server).
term, cont = 1, 0
put("commando_client", bytes([64, cont, 5]) + b'{"res' + bytes([term, 14]) + b'ult":{"a":1}}')
put("commando_client", bytes([255, term, 30]) + b'{"error":{"code":1,"message":"m"}}'[:30])
put("commando_client", bytes([255, 0x08 | term, 2]) + b"{}" + bytes([3, 2]) + b"{}" + bytes([term, 14]) + b'{"result":[1]}')
put("commando_client", bytes([1, cont, 200]) + b"x" * 200 + bytes([term, 1]) + b"}")
restr = b"method^list|method=getinfo\nrate=5\n"
for body in [b'{"method":"getinfo","id":1,"rune":"$RUNE","params":{}}',
             b'{"method":"listpeers","id":"a","rune":"$RUNE","params":["02ab"]}',
             b'{"method":"fail","id":[1],"rune":"$RUNE"}',
             b'{"method":"getinfo","id":1,"rune":"bad","params":{}}',
             b'{"id":1}', b"[]", b"{"]:
    put("commando_server", bytes([len(restr)]) + restr + body)
    put("commando_server", bytes([0]) + body)

# Runes: CLN's vectors (base64 runes, and checks as method/params).
with open(f"{SHARED}/ref/runes/test_vectors.csv") as f:
    rows = list(csv.reader(f))
for row in rows:
    if row and row[0] == "VALID" and len(row) >= 4:
        put("runes", row[3])
        put("runes", row[2])
        restrictions = row[2].split(":", 1)[1].replace("&", "\n").encode()
        put("runes", bytes([len(restrictions)]) + restrictions + b"getinfo\n{\"f1\":\"v1\"}")

# lnap: the draft's example proof.
with open(f"{ROOT}/lnap/tests/data/example.tlv.hex") as f:
    put("lnap_proof", bytes.fromhex("".join(f.read().split())))

# codegen: the spec CSVs.
for name in sorted(os.listdir(f"{ROOT}/spec-csv")):
    if name.endswith(".csv"):
        with open(f"{ROOT}/spec-csv/{name}", "rb") as f:
            put("codegen_csv", f.read())

# Onion messages: BOLT 4's blinded onion message vector (raw mode), and plaintexts.
om = load(f"{SHARED}/bolts/bolt04/blinded-onion-message-onion-test.json")
def find_hex(o, key):
    if isinstance(o, dict):
        for k, v in o.items():
            if k == key and isinstance(v, str):
                yield v
            else:
                yield from find_hex(v, key)
    elif isinstance(o, list):
        for v in o:
            yield from find_hex(v, key)
for h in find_hex(om, "onion_message_packet"):
    put("onion_peel", bytes([0]) + bytes.fromhex("0201") + bytes.fromhex(h))
for h in find_hex(om, "onionmessage"):
    put("onion_peel", bytes([0]) + bytes.fromhex(h))
for h in find_hex(om, "encrypted_data_tlv"):
    put("onion_blinded", bytes.fromhex(h))
    b = bytes.fromhex(h)
    put("onion_peel", bytes([1, len(b)]) + b)
    put("onion_peel", bytes([3, len(b)]) + b)
for h in find_hex(om, "encrypted_recipient_data"):
    put("onion_blinded", bytes.fromhex(h))
# A path_id, and an invoice_request payload (type 64) with an offer inside.
put("onion_peel", bytes([1, 4]) + bytes.fromhex("0602abcd") + bytes.fromhex("4000"))
put("onion_peel", bytes([3, 35]) + bytes.fromhex("0421" + "02" + "4d4b6cd1361032ca9bd2aeb9d900aa4d45d9ead80ac9423374c451a7254d0766"))
rb = load(f"{SHARED}/bolts/bolt04/route-blinding-test.json")
for h in find_hex(rb, "encrypted_data"):
    put("onion_blinded", bytes.fromhex(h))
# curve_differential: BIP-340's test vectors (curve/tests/data/bip340-vectors.csv) laid out
# as the target reads them: secret key, message, aux, signature, x-only key, tweak (the key
# again), bit index.
with open(os.path.join(ROOT, "curve", "tests", "data", "bip340-vectors.csv")) as f:
    for row in csv.DictReader(f):
        sk = bytes.fromhex(row["secret key"] or "00" * 32)
        aux = bytes.fromhex(row["aux_rand"] or "00" * 32)
        put("curve_differential", sk + bytes.fromhex(row["message"]) + aux
            + bytes.fromhex(row["signature"]) + bytes.fromhex(row["public key"]) + sk + bytes(2))
print("corpus written under", os.path.join(HERE, "corpus"))
