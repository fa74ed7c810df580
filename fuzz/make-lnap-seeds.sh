#!/usr/bin/env bash
# Writes two lnap seed proofs to fuzz/corpus/lnap_proof/: a leaf for shop.example.com under
# an intermediate and a root (P-256, then RSA-2048), made with openssl and `bolt12 lnap
# create`, with the intermediate and the root in `certchain` (the fuzz target takes its
# roots from there, so the seeds verify). Valid for about 5 years from when they are made;
# the target verifies at 2027-01-15.
set -euo pipefail
cd "$(dirname "$0")/.."
out="$PWD/fuzz/corpus/lnap_proof"
bolt12="cargo run -q -p bolt12-cli --"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n' >ca.ext
printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:shop.example.com\n' >leaf.ext
key() { if [ "$1" = ec ]; then openssl ecparam -name prime256v1 -genkey -noout -out "$2"; else openssl genrsa -out "$2" 2048; fi; }
for kind in ec rsa; do
    key $kind root.key; key $kind int.key; key $kind leaf.key
    openssl req -x509 -new -key root.key -subj "/CN=Fuzz Root $kind" -days 3650 -out root.pem \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
    openssl req -new -key int.key -subj "/CN=Fuzz Int $kind" -out int.csr
    openssl x509 -req -in int.csr -CA root.pem -CAkey root.key -CAcreateserial -days 3000 -extfile ca.ext -out int.pem
    openssl req -new -key leaf.key -subj "/CN=shop.example.com" -out leaf.csr
    openssl x509 -req -in leaf.csr -CA int.pem -CAkey int.key -CAcreateserial -days 2000 -extfile leaf.ext -out leaf.pem
    for c in leaf int root; do openssl x509 -in $c.pem -outform der -out $c.der; done
    cat int.der root.der >chain.der
    openssl pkcs8 -topk8 -nocrypt -in leaf.key -out leaf.p8
    (cd - >/dev/null && $bolt12 lnap create --vendor shop.example.com \
        --node-id 024d4b6cd1361032ca9bd2aeb9d900aa4d45d9ead80ac9423374c451a7254d0766 \
        --key "$tmp/leaf.p8" --cert "$tmp/leaf.der" --certchain "$tmp/chain.der" --json) >proof.json
    python3 -c 'import json,hashlib,sys; b=bytes.fromhex(json.load(open("proof.json"))["hex"]); open(sys.argv[1]+"/"+hashlib.sha1(b).hexdigest(),"wb").write(b)' "$out"
done
