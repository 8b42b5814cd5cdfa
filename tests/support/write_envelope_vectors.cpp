// Writes tests/vectors/envelope_v1.json. Not a test: run it by hand when the
// envelope format changes on purpose, review the diff, commit the file.
//
//   build/tests/write_envelope_vectors tests/vectors/envelope_v1.json
//
// Keys come from crypto_box_seed_keypair with fixed seeds; each positive
// vector's randomness comes from the deterministic randombytes (see
// deterministic_random.h) reset to the vector's own "rng_seed", which is what
// envelope_test's re-seal check replays. Negative vectors are edits of
// positive ones with the error envelope_open must report.
#include <sodium.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "deterministic_random.h"
#include "envelope.h"
#include "envelope_spec.h"
#include "hex.h"
#include "keys.h"
#include "payload.h"
#include "png_encode.h"
#include "result.h"

namespace {

using namespace sealshot;
using Bytes = std::vector<std::uint8_t>;
using nlohmann::ordered_json;

KeyPair keypair_from_seed(const char* label) {
  unsigned char seed[crypto_box_SEEDBYTES];
  crypto_generichash(seed, sizeof seed, reinterpret_cast<const unsigned char*>(label), std::strlen(label), nullptr, 0);
  KeyPair kp;
  crypto_box_seed_keypair(kp.public_key.bytes.data(), kp.secret_key.bytes.data(), seed);
  return kp;
}

test::RandomSeed seed_for(const std::string& name) {
  test::RandomSeed seed;
  const std::string label = "sealshot envelope v1 vector " + name;
  crypto_generichash(seed.data(), seed.size(), reinterpret_cast<const unsigned char*>(label.data()), label.size(),
                     nullptr, 0);
  return seed;
}

Bytes pattern(std::size_t n) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = std::uint8_t(i * 31 + 7);
  return b;
}

[[noreturn]] void die(const std::string& why) {
  std::fprintf(stderr, "write_envelope_vectors: %s\n", why.c_str());
  std::exit(1);
}

struct Positive {
  std::string name, description;
  const KeyPair* keys;
  std::string project_id;
  std::uint32_t chunk_size;
  Bytes payload;
  Bytes envelope;  // filled in
};

Bytes seal_vector(Positive& v) {
  test::reset_deterministic_random(seed_for(v.name));
  auto sealed = envelope_seal(v.project_id, v.keys->public_key, v.payload, v.chunk_size);
  if (!sealed.ok()) die(v.name + ": " + sealed.message());
  auto opened = envelope_open(sealed.value(), v.keys->secret_key, v.project_id);
  if (!opened.ok() || opened.value() != v.payload) die(v.name + ": does not open");
  return sealed.value();
}

Bytes packed_report() {
  // A small real report: manifest + an encoded 24x16 PNG.
  std::vector<std::uint8_t> px(24 * 16 * 4);
  for (std::size_t i = 0; i < px.size(); i += 4) {
    px[i] = std::uint8_t(i * 3);
    px[i + 1] = std::uint8_t(255 - i);
    px[i + 2] = std::uint8_t(i / 7);
    px[i + 3] = 255;
  }
  auto png = png_encode({px.data(), px.size(), 24, 16}, {9, 4});
  if (!png.ok()) die("png: " + png.message());
  // The fields of docs/envelope.md's manifest table, as the widget writes them.
  const std::string manifest =
      R"j({"schema":1,"source":"widget","widget_version":"0.1.0","comment":"Pay button does nothing",)j"
      R"j("created_at":"2024-05-17T09:30:00.000Z","page_url":"https://example.test/checkout",)j"
      R"j("user_agent":"Mozilla/5.0 (X11; Linux x86_64)","viewport":{"width":24,"height":16},)j"
      R"j("device_pixel_ratio":1,"locale":"en-GB","time_zone":"Europe/London",)j"
      R"j("screenshot":{"width":24,"height":16,"device_pixel_ratio":1,"redactions":0}})j";
  const Bytes m(manifest.begin(), manifest.end());
  const std::vector<PayloadPartView> parts = {{kManifestPartName, "application/json", m},
                                              {kScreenshotPartName, "image/png", png.value()}};
  auto packed = payload_pack(parts);
  if (!packed.ok()) die("pack: " + packed.message());
  return packed.value();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUTPUT.json\n", argv[0]);
    return 2;
  }
  if (!test::install_deterministic_random() || sodium_init() < 0) die("libsodium setup failed");

  const KeyPair alice = keypair_from_seed("sealshot vector key alice");
  const KeyPair bob = keypair_from_seed("sealshot vector key bob");
  const std::string hello = "Hello, Sealshot!\n";

  std::vector<Positive> positives = {
      {"small-64k",
       "17-byte payload, default 64 KiB chunks",
       &alice,
       "demo",
       65536,
       Bytes(hello.begin(), hello.end()),
       {}},
      {"empty-payload", "empty payload: one chunk of 0 bytes tagged FINAL", &alice, "demo", 1024, {}, {}},
      {"exact-chunk", "payload of exactly one 1024-byte chunk", &alice, "acme-web_01", 1024, pattern(1024), {}},
      {"three-chunks-plus-five",
       "3 full 1024-byte chunks and a 5-byte final chunk",
       &bob,
       "acme-web_01",
       1024,
       pattern(3 * 1024 + 5),
       {}},
      {"packed-report",
       "payload_pack of a manifest and a PNG, 1024-byte chunks",
       &bob,
       "Shop_Prod-2",
       1024,
       packed_report(),
       {}},
      {"max-project-id", "64-character project id", &alice, std::string(64, 'Z'), 65536, pattern(300), {}},
  };
  for (Positive& v : positives) v.envelope = seal_vector(v);

  ordered_json vectors = ordered_json::array();
  for (const Positive& v : positives) {
    vectors.push_back({{"name", v.name},
                       {"description", v.description},
                       {"secret_key", key_to_text(v.keys->secret_key)},
                       {"public_key", key_to_text(v.keys->public_key)},
                       {"project_id", v.project_id},
                       {"chunk_size", v.chunk_size},
                       {"rng_seed", test::to_hex(seed_for(v.name))},
                       {"payload", test::to_hex(v.payload)},
                       {"envelope", test::to_hex(v.envelope)}});
  }

  // Negative vectors: edits of the positives above, with the error code.
  auto negative = [&](const std::string& name, const std::string& description, const KeyPair& keys,
                      const std::string& project_id, const Bytes& envelope) {
    auto r = envelope_open(envelope, keys.secret_key, project_id);
    if (r.ok()) die(name + ": negative vector opens");
    vectors.push_back({{"name", name},
                       {"description", description},
                       {"secret_key", key_to_text(keys.secret_key)},
                       {"public_key", key_to_text(keys.public_key)},
                       {"project_id", project_id},
                       {"envelope", test::to_hex(envelope)},
                       {"expect_error", error_code_name(r.code())}});
    std::fprintf(stderr, "%-28s %s\n", name.c_str(), error_code_name(r.code()));
  };
  const Positive& small = positives[0];
  const Positive& multi = positives[3];

  Bytes cut = small.envelope;
  cut.pop_back();
  negative("truncated-last-byte", "small-64k without its last byte", alice, "demo", cut);

  Bytes trailing = small.envelope;
  trailing.push_back(0);
  negative("trailing-byte", "small-64k with one zero byte appended", alice, "demo", trailing);

  negative("wrong-project", "small-64k opened as project 'demo2'", alice, "demo2", small.envelope);
  negative("wrong-key", "small-64k opened with bob's secret key", bob, "demo", small.envelope);

  Bytes tampered = small.envelope;
  tampered[tampered.size() - 20] ^= 0x01;  // inside the only chunk's ciphertext
  negative("tampered-chunk", "small-64k with one ciphertext bit flipped", alice, "demo", tampered);

  Bytes moved = small.envelope;
  std::memcpy(&moved[24], "dem0", 4);  // header project id edited, caller expects the edited id
  negative("header-project-edited", "small-64k relabelled 'dem0' and opened as 'dem0'", alice, "dem0", moved);

  Bytes version = small.envelope;
  version[8] = 2;
  negative("bad-version", "small-64k with version byte 2", alice, "demo", version);

  Bytes dropped = multi.envelope;
  dropped.resize(dropped.size() - (5 + 17));
  const std::uint64_t fixed_size = 3 * 1024;
  for (int i = 0; i < 8; ++i) dropped[16 + i] = std::uint8_t(fixed_size >> (8 * i));
  negative("final-chunk-dropped", "three-chunks-plus-five without its final chunk, payload size fixed up", bob,
           "acme-web_01", dropped);

  // Streams that authenticate but carry a tag this format never writes
  // (docs/envelope.md, check 16): only a content key holder can make them.
  auto crafted_tags = [&](const std::string& name, std::vector<unsigned char> tags) {
    test::reset_deterministic_random(seed_for(name));
    test::spec::CraftOptions options;
    options.tags = std::move(tags);
    return test::spec::craft("acme-web_01", bob.public_key.bytes.data(), pattern(3 * 1024 + 5), 1024, options);
  };
  constexpr unsigned char kMessage = crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
  constexpr unsigned char kFinal = crypto_secretstream_xchacha20poly1305_TAG_FINAL;
  negative("push-tag-mid-stream", "4 chunks, the second tagged PUSH (authentic, never written by this format)", bob,
           "acme-web_01",
           crafted_tags("push-tag-mid-stream",
                        {kMessage, crypto_secretstream_xchacha20poly1305_TAG_PUSH, kMessage, kFinal}));
  negative("rekey-tag-mid-stream", "4 chunks, the third tagged REKEY (authentic, never written by this format)", bob,
           "acme-web_01",
           crafted_tags("rekey-tag-mid-stream",
                        {kMessage, kMessage, crypto_secretstream_xchacha20poly1305_TAG_REKEY, kFinal}));

  ordered_json doc = {
      {"format", "sealshot-envelope-v1-vectors"},
      {"description",
       "Envelope v1 test vectors (docs/envelope.md). Positive vectors: open(envelope, secret_key, project_id) "
       "gives payload, and seal(project_id, public_key, payload, chunk_size) with libsodium's randombytes "
       "replaced by tests/support/deterministic_random.cpp reset to rng_seed gives envelope byte for byte. "
       "Negative vectors: open(envelope, secret_key, project_id) fails with expect_error (error_code_name). "
       "Keys are URL-safe base64 without padding; payload, envelope and rng_seed are hex. "
       "Generated by tests/support/write_envelope_vectors.cpp."},
      {"vectors", vectors}};
  std::ofstream out(argv[1]);
  out << doc.dump(2) << "\n";
  if (!out) die(std::string("cannot write ") + argv[1]);
  return 0;
}
