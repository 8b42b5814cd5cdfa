#!/usr/bin/env python3
"""Writes the committed seed corpora (tests/fuzz/corpus/<target>/) from the
test vectors and the PII test rows. Run by hand after the vectors change:
    python3 tests/fuzz/make_seeds.py
Seeds only start the search; scripts/fuzz keeps what it finds under build-fuzz/."""
import json
import pathlib
import re

here = pathlib.Path(__file__).resolve().parent
tests = here.parent
corpus = here / "corpus"
vectors = {v["name"]: v for v in json.loads((tests / "vectors/envelope_v1.json").read_text())["vectors"]}
PLACEHOLDER = b"prj_FUZZPROJECTFUZZPROJECTFUZZ"  # ingest_request_fuzz.cpp replaces it by the real id


def write(target, name, data):
    folder = corpus / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data if isinstance(data, bytes) else data.encode())


def envelope(name):
    return bytes.fromhex(vectors[name]["envelope"])


for name in ["small-64k", "empty-payload", "max-project-id", "bad-version"]:
    write("envelope_header_fuzz", name, envelope(name)[:200])
write("envelope_header_fuzz", "cut-in-header", envelope("small-64k")[:30])

for name in ["small-64k", "empty-payload", "exact-chunk", "max-project-id", "tampered-chunk"]:
    write("envelope_open_fuzz", name, envelope(name))

packed = bytes.fromhex(vectors["packed-report"]["payload"])
write("payload_fuzz", "packed-report", packed)
write("payload_fuzz", "one-part", b"SSPL\x01\x01\x0dmanifest.json\x10application/json" + (2).to_bytes(8, "little") + b"{}")

manifest = {"version": 1, "comment": "The button does nothing\nsecond line", "page_url": "https://shop.example/cart",
            "category": "bug", "email": "jane@example.com", "viewport": {"width": 1280, "height": 720, "dpr": 2}}
write("manifest_fuzz", "manifest", b"\x00" + json.dumps(manifest).encode())
write("manifest_fuzz", "long-comment", b"\x00" + json.dumps({"comment": "\u00e9" * 150 + "\r\nmore", "page_url": 7}).encode())
write("manifest_fuzz", "packed-report", b"\x01" + packed)

write("png_encode_fuzz", "small", bytes(range(256)) * 2)
write("png_encode_fuzz", "opaque-ui", b"\x10\x10\x00\x06\x00\x01\x00\x00\x00" + b"\xff\xff\xff\xff" * 64 + b"\x20\x30\x40\xff" * 16)
write("png_encode_fuzz", "rects", b"\x40\x20\x00\x06\xff\x00\x00\x00\x04" + bytes(range(64)) * 8)

# PII: the rows of tests/pii_cases_*.inc, markers removed ("⟦kind:text⟧" -> "text").
rows = []
for inc in sorted(tests.glob("pii_cases_*.inc")):
    for match in re.finditer(r'u"((?:[^"\\]|\\.)*)"', inc.read_text()):
        text = re.sub(r"⟦[a-z0-9]+:(.*?)⟧", r"\1", match.group(1))
        text = text.encode().decode("unicode_escape").encode("latin-1", "ignore") if "\\" in text else text.encode()
        if text:
            rows.append(text)
detectors = {"emails": "@", "phones": "+", "cards": "4111", "ssns": "SSN", "ibans": "IBAN", "ipv4": ".", "ipv6": ":",
             "secrets": "_"}
for detector, hint in detectors.items():
    chosen = [r for r in rows if hint.encode() in r][:6] or rows[:6]
    for i, row in enumerate(chosen):
        write(f"pii_{detector}_fuzz", f"row{i}", row)
for i, row in enumerate(rows[:: max(1, len(rows) // 8)][:8]):
    write("pii_scan_fuzz", f"row{i}", row)

# Ingest: whole requests. The small-64k envelope with its project id ("demo")
# replaced by the placeholder (the server checks the header, never decrypts).
env = envelope("small-64k")
env = env[:10] + bytes([len(PLACEHOLDER)]) + env[11:24] + PLACEHOLDER + env[24 + 4:]
path = b"/v1/projects/" + PLACEHOLDER + b"/submissions"
def request(method, extra, body=b""):
    head = method + b" " + path + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: https://shop.example\r\n" + extra
    if method == b"POST":
        head += b"Content-Type: application/octet-stream\r\nContent-Length: " + str(len(body)).encode() + b"\r\n"
    return head + b"\r\n" + body
write("ingest_request_fuzz", "submit", request(b"POST", b"Idempotency-Key: 0123456789abcdef\r\n", env))
write("ingest_request_fuzz", "preflight", request(b"OPTIONS", b"Access-Control-Request-Method: POST\r\n"))
write("ingest_request_fuzz", "chunked", request(b"POST", b"Transfer-Encoding: chunked\r\n").replace(
    b"Content-Length: 0\r\n", b"") + b"5\r\nSEALS\r\n0\r\n\r\n")
write("ingest_request_fuzz", "pipelined", request(b"POST", b"Expect: 100-continue\r\n", env) +
      b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /readyz HTTP/1.1\r\n\r\n")
write("ingest_request_fuzz", "metrics", b"GET /metrics HTTP/1.1\r\nX-Forwarded-For: 10.0.0.1\r\n\r\n")

# CLI: argument lists, words separated by NUL.
for i, args in enumerate([
    ["seal", "--project", "demo", "--public-key", "k.pub", "--comment", "hi", "--redact", "1,2,3,4", "--dpr", "2",
     "in.png", "out.env"],
    ["open", "--secret-key", "k.sec", "--project", "demo", "in.env", "out"],
    ["project", "create", "--data-dir", "d", "--name", "Shop", "--origin", "https://shop.example", "--max-body-bytes", "9"],
    ["submissions", "list", "--project", "prj_x", "--limit", "5", "--json"],
    ["review", "list", "--status", "new", "--cursor", "abc"],
    ["org", "invite", "--org", "o", "--role", "reader", "--help"],
    ["keygen", "--public-key-out", "a", "--secret-key-out", "b"],
]):
    write("cli_args_fuzz", f"args{i}", "\0".join(args))
