// Envelope v1: round trips checked against an independent reader
// (support/envelope_spec.h), header parsing from prefixes, every refusal with
// its own error code, tampering of every kind, and the committed test vectors
// (tests/vectors/envelope_v1.json), which are opened and re-sealed byte for
// byte. This binary runs with test_main_deterministic.cpp, so all libsodium
// randomness here is reproducible.
#include "envelope.h"

#include <gtest/gtest.h>
#include <sodium.h>
#include <sys/mman.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "core_limits.h"
#include "keys.h"
#include "result.h"
#include "support/deterministic_random.h"
#include "support/envelope_spec.h"
#include "support/hex.h"

namespace sealshot {
namespace {

namespace spec = test::spec;
using Bytes = std::vector<std::uint8_t>;

constexpr unsigned char kTagMessage = crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
constexpr unsigned char kTagFinal = crypto_secretstream_xchacha20poly1305_TAG_FINAL;

spec::CraftOptions with_tags(std::vector<unsigned char> tags) {
  spec::CraftOptions options;
  options.tags = std::move(tags);
  return options;
}

Bytes pattern(std::size_t n, std::uint32_t salt = 0) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = std::uint8_t((i * 131 + salt * 7 + (i >> 8)) & 0xff);
  return b;
}

// Keys from a fixed seed (crypto_box_seed_keypair uses no randomness).
KeyPair seeded_keypair(std::uint8_t seed_byte) {
  unsigned char seed[crypto_box_SEEDBYTES];
  std::memset(seed, seed_byte, sizeof seed);
  KeyPair kp;
  crypto_box_seed_keypair(kp.public_key.bytes.data(), kp.secret_key.bytes.data(), seed);
  return kp;
}

class Envelope : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(crypto_init().ok()); }

  Bytes seal(const Bytes& payload, std::uint32_t chunk = 1024, std::string_view project = kProject) {
    auto r = envelope_seal(project, keys.public_key, payload, chunk);
    EXPECT_TRUE(r.ok()) << r.message();
    return r.ok() ? r.value() : Bytes{};
  }
  Result<Bytes> open(const Bytes& envelope, std::string_view project = kProject) {
    return envelope_open(envelope, keys.secret_key, project);
  }
  void expect_error(const Bytes& envelope, ErrorCode want, const std::string& why,
                    std::string_view project = kProject) {
    auto r = open(envelope, project);
    ASSERT_FALSE(r.ok()) << why << ": opened";
    EXPECT_EQ(r.code(), want) << why << ": got " << error_code_name(r.code()) << " (" << r.message() << ")";
    EXPECT_FALSE(r.message().empty());
  }
  std::size_t header_size(std::string_view project = kProject) const { return 24 + project.size() + 80 + 24; }

  static constexpr std::string_view kProject = "proj_1";
  KeyPair keys = seeded_keypair(0x42);
  KeyPair other_keys = seeded_keypair(0x43);
};

// ---- layout and round trips ------------------------------------------------------

TEST_F(Envelope, HeaderBytesFollowTheDocumentedLayout) {
  const Bytes payload = pattern(3000);
  const Bytes e = seal(payload, 1024, "acme-Web_9");
  ASSERT_GE(e.size(), 24u);
  EXPECT_EQ(std::memcmp(e.data(), "SEALSHOT", 8), 0);
  EXPECT_EQ(e[8], 1);      // version
  EXPECT_EQ(e[9], 0);      // flags
  EXPECT_EQ(e[10], 10);    // project id length
  EXPECT_EQ(e[11], 0);     // reserved
  EXPECT_EQ(e[12], 0x00);  // chunk size 1024, u32 little-endian
  EXPECT_EQ(e[13], 0x04);
  EXPECT_EQ(e[14], 0x00);
  EXPECT_EQ(e[15], 0x00);
  EXPECT_EQ(e[16], 3000 & 0xff);  // payload size u64 little-endian
  EXPECT_EQ(e[17], 3000 >> 8);
  for (int i = 18; i < 24; ++i) EXPECT_EQ(e[i], 0) << i;
  EXPECT_EQ(std::string(e.begin() + 24, e.begin() + 34), "acme-Web_9");
  // 24 + 10 + 80 + 24 header, then ceil(3000/1024) = 3 chunks of +17.
  EXPECT_EQ(e.size(), 24u + 10 + 80 + 24 + 3000 + 3 * 17);
  // The independent reader opens it.
  auto opened = spec::open(e, keys.public_key.bytes.data(), keys.secret_key.bytes.data());
  ASSERT_TRUE(opened.has_value());
  EXPECT_EQ(*opened, payload);
}

TEST_F(Envelope, RoundTripAtChunkBoundaries) {
  for (std::uint32_t chunk : {1024u, 65536u}) {
    for (std::size_t size : {std::size_t(0), std::size_t(1), std::size_t(chunk - 1), std::size_t(chunk),
                             std::size_t(chunk + 1), std::size_t(3 * chunk + 5)}) {
      SCOPED_TRACE("chunk " + std::to_string(chunk) + " payload " + std::to_string(size));
      const Bytes payload = pattern(size, chunk);
      const Bytes e = seal(payload, chunk);
      const std::uint64_t chunks = size == 0 ? 1 : (size + chunk - 1) / chunk;
      EXPECT_EQ(e.size(), header_size() + size + chunks * 17);

      auto header = envelope_parse_header(e);
      ASSERT_TRUE(header.ok()) << header.message();
      EXPECT_EQ(header.value().version, 1);
      EXPECT_EQ(header.value().project_id, kProject);
      EXPECT_EQ(header.value().chunk_size, chunk);
      EXPECT_EQ(header.value().payload_size, size);
      EXPECT_EQ(header.value().header_size, header_size());
      EXPECT_EQ(header.value().chunk_count, chunks);
      EXPECT_EQ(header.value().total_size, e.size());
      EXPECT_TRUE(envelope_check_length(header.value(), e.size()).ok());

      auto opened = open(e);
      ASSERT_TRUE(opened.ok()) << opened.message();
      EXPECT_EQ(opened.value(), payload);
      auto independent = spec::open(e, keys.public_key.bytes.data(), keys.secret_key.bytes.data());
      ASSERT_TRUE(independent.has_value()) << "the independent reader refused envelope_seal's output";
      EXPECT_EQ(*independent, payload);
    }
  }
}

TEST_F(Envelope, LargestChunkSize) {
  const std::uint32_t chunk = kEnvelopeMaxChunkBytes;
  const Bytes payload = pattern(chunk + 3);
  const Bytes e = seal(payload, chunk);
  EXPECT_EQ(e.size(), header_size() + payload.size() + 2 * 17);
  auto opened = open(e);
  ASSERT_TRUE(opened.ok()) << opened.message();
  EXPECT_EQ(opened.value(), payload);
}

TEST_F(Envelope, DefaultChunkSizeIs64KiB) {
  auto r = envelope_seal(kProject, keys.public_key, pattern(10));
  ASSERT_TRUE(r.ok());
  auto h = envelope_parse_header(r.value());
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h.value().chunk_size, kEnvelopeChunkBytes);
  EXPECT_EQ(kEnvelopeChunkBytes, 65536u);
}

TEST_F(Envelope, OpensIndependentlyBuiltEnvelopes) {
  for (std::size_t size : {0, 1, 1024, 2500}) {
    const Bytes payload = pattern(size, 9);
    const Bytes e = spec::craft(kProject, keys.public_key.bytes.data(), payload, 1024);
    auto opened = open(e);
    ASSERT_TRUE(opened.ok()) << size << ": " << opened.message();
    EXPECT_EQ(opened.value(), payload);
  }
}

TEST_F(Envelope, SealingTwiceGivesDifferentBytes) {
  const Bytes payload = pattern(100);
  const Bytes a = seal(payload), b = seal(payload);
  ASSERT_EQ(a.size(), b.size());
  EXPECT_NE(a, b);
  const std::size_t hs = header_size();
  // Same plaintext header, different sealed key, stream header and ciphertext.
  EXPECT_TRUE(std::equal(a.begin(), a.begin() + 24 + 6, b.begin()));
  EXPECT_FALSE(std::equal(a.begin() + 30, a.begin() + 110, b.begin() + 30));
  EXPECT_FALSE(std::equal(a.begin() + 110, a.begin() + hs, b.begin() + 110));
}

TEST_F(Envelope, ProjectIdValidity) {
  EXPECT_TRUE(project_id_is_valid("a"));
  EXPECT_TRUE(project_id_is_valid(std::string(64, 'Z')));
  EXPECT_TRUE(project_id_is_valid("AZaz09_-"));
  for (std::string bad : {std::string(), std::string(65, 'a'), std::string("a b"), std::string("a.b"),
                          std::string("a/b"), std::string("caf\xc3\xa9"), std::string("a\0b", 3), std::string("a+b")}) {
    EXPECT_FALSE(project_id_is_valid(bad)) << bad;
  }
}

TEST_F(Envelope, RoundTripWithExtremeProjectIds) {
  for (std::string project : {std::string("x"), std::string(64, 'p'), std::string("AZaz09_-")}) {
    const Bytes payload = pattern(77);
    const Bytes e = seal(payload, 1024, project);
    auto opened = open(e, project);
    ASSERT_TRUE(opened.ok()) << project << ": " << opened.message();
    EXPECT_EQ(opened.value(), payload);
  }
}

// ---- seal refusals -------------------------------------------------------------------

TEST_F(Envelope, SealRefusesInvalidProjectId) {
  for (std::string bad :
       {std::string(), std::string(65, 'a'), std::string("a b"), std::string("a.b"), std::string("caf\xc3\xa9")}) {
    auto r = envelope_seal(bad, keys.public_key, pattern(5), 1024);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.code(), ErrorCode::invalid_argument);
  }
}

const std::uint32_t kBadChunkSizes[] = {0, 1, 512, 1023, 1025, 3072, 65535, 2u << 20, 0x80000000u, 0xffffffffu};

TEST_F(Envelope, SealRefusesBadChunkSize) {
  for (std::uint32_t chunk : kBadChunkSizes) {
    auto r = envelope_seal(kProject, keys.public_key, pattern(5), chunk);
    ASSERT_FALSE(r.ok()) << chunk;
    EXPECT_EQ(r.code(), ErrorCode::invalid_argument) << chunk;
  }
  for (std::uint32_t chunk : {1024u, 2048u, 4096u, 1u << 20})
    EXPECT_TRUE(envelope_seal(kProject, keys.public_key, {}, chunk).ok());
}

TEST_F(Envelope, SealRefusesPayloadAboveLimit) {
  // kMaxPayloadBytes + 1 of read-only zero pages: never touched, costs no memory.
  const std::size_t size = std::size_t(kMaxPayloadBytes) + 1;
  void* map = mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  ASSERT_NE(map, MAP_FAILED);
  auto r = envelope_seal(kProject, keys.public_key, {static_cast<const std::uint8_t*>(map), size}, 1024);
  munmap(map, size);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), ErrorCode::payload_too_large);
}

TEST_F(Envelope, SealRefusesLowOrderPublicKey) {
  // The all-zero point gives an all-zero shared secret, which crypto_box_seal refuses.
  PublicKey zero;
  auto r = envelope_seal(kProject, zero, pattern(5), 1024);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), ErrorCode::bad_key);
}

// ---- header parsing ----------------------------------------------------------------------

TEST_F(Envelope, ParseHeaderFromEveryPrefix) {
  const Bytes e = seal(pattern(2000));
  const std::size_t hs = header_size();
  for (std::size_t n = 0; n < hs; ++n) {
    const Bytes prefix(e.begin(), e.begin() + std::ptrdiff_t(n));  // exact-size heap copy for ASan
    auto h = envelope_parse_header(prefix);
    ASSERT_FALSE(h.ok()) << "prefix " << n;
    ASSERT_EQ(h.code(), ErrorCode::envelope_truncated) << "prefix " << n << ": " << error_code_name(h.code());
  }
  const Bytes exact(e.begin(), e.begin() + std::ptrdiff_t(hs));
  auto h = envelope_parse_header(exact);
  ASSERT_TRUE(h.ok()) << h.message();
  EXPECT_EQ(h.value().total_size, e.size());
  EXPECT_EQ(h.value().chunk_count, 2u);
  EXPECT_EQ(h.value().payload_size, 2000u);
}

TEST_F(Envelope, ParseHeaderNeedsAtMostMaxHeaderBytes) {
  const std::string project(kMaxProjectIdLength, 'q');
  const Bytes e = seal(pattern(10), 1024, project);
  const Bytes prefix(e.begin(), e.begin() + std::ptrdiff_t(kEnvelopeMaxHeaderBytes));
  auto h = envelope_parse_header(prefix);
  ASSERT_TRUE(h.ok()) << h.message();
  EXPECT_EQ(h.value().header_size, kEnvelopeMaxHeaderBytes);
  const Bytes short_prefix(e.begin(), e.begin() + std::ptrdiff_t(kEnvelopeMaxHeaderBytes - 1));
  EXPECT_EQ(envelope_parse_header(short_prefix).code(), ErrorCode::envelope_truncated);
}

TEST_F(Envelope, BadMagic) {
  const Bytes e = seal(pattern(10));
  for (std::size_t i = 0; i < 8; ++i) {
    Bytes bad = e;
    bad[i] ^= 0x01;
    EXPECT_EQ(envelope_parse_header(bad).code(), ErrorCode::envelope_bad_magic) << i;
    expect_error(bad, ErrorCode::envelope_bad_magic, "magic byte " + std::to_string(i));
    // A short prefix that already disagrees is bad_magic, not truncated.
    const Bytes prefix(bad.begin(), bad.begin() + std::ptrdiff_t(i + 1));
    EXPECT_EQ(envelope_parse_header(prefix).code(), ErrorCode::envelope_bad_magic) << i;
  }
  const Bytes png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  EXPECT_EQ(envelope_parse_header(png).code(), ErrorCode::envelope_bad_magic);
  const Bytes empty;
  EXPECT_EQ(envelope_parse_header(empty).code(), ErrorCode::envelope_truncated);
}

TEST_F(Envelope, BadVersion) {
  const Bytes e = seal(pattern(10));
  for (std::uint8_t v : {0, 2, 255}) {
    Bytes bad = e;
    bad[8] = v;
    EXPECT_EQ(envelope_parse_header(bad).code(), ErrorCode::envelope_bad_version);
    expect_error(bad, ErrorCode::envelope_bad_version, "version " + std::to_string(v));
  }
}

TEST_F(Envelope, FlagsOrReservedSet) {
  const Bytes e = seal(pattern(10));
  for (std::size_t at : {9, 11}) {
    for (int bit = 0; bit < 8; ++bit) {
      Bytes bad = e;
      bad[at] ^= std::uint8_t(1 << bit);
      expect_error(bad, ErrorCode::envelope_bad_header, "byte " + std::to_string(at) + " bit " + std::to_string(bit));
    }
  }
}

TEST_F(Envelope, BadChunkSizeInHeader) {
  const Bytes e = seal(pattern(10));
  for (std::uint32_t chunk : kBadChunkSizes) {
    Bytes bad = e;
    spec::put_u32le(&bad[12], chunk);
    EXPECT_EQ(envelope_parse_header(bad).code(), ErrorCode::envelope_bad_header) << chunk;
    expect_error(bad, ErrorCode::envelope_bad_header, "chunk " + std::to_string(chunk));
  }
}

TEST_F(Envelope, BadProjectIdLength) {
  const Bytes e = seal(pattern(10));
  for (std::uint8_t len : {0, 65, 255}) {
    Bytes bad = e;
    bad[10] = len;
    expect_error(bad, ErrorCode::envelope_bad_header, "id length " + std::to_string(len));
  }
}

TEST_F(Envelope, BadProjectIdCharacters) {
  const Bytes e = seal(pattern(10));
  for (char c : {'.', ' ', '\0', '/', '\x80', '\xff', '+'}) {
    Bytes bad = e;
    bad[24 + 2] = std::uint8_t(c);
    EXPECT_EQ(envelope_parse_header(bad).code(), ErrorCode::envelope_bad_header) << int(c);
    expect_error(bad, ErrorCode::envelope_bad_header, "id char " + std::to_string(int(c)));
  }
}

TEST_F(Envelope, ShortHeaderWithBadIdFollowsTheDocumentedOrder) {
  // docs/envelope.md: a field is checked once all its bytes are present, in
  // layout order (only the magic is compared on a partial prefix). So a prefix
  // that ends inside a bad id is truncated, and one that holds the whole bad id
  // but not the rest of the header is bad_header.
  Bytes bad = seal(pattern(10));
  bad[24 + 1] = '!';
  const std::size_t id_end = 24 + kProject.size();
  const Bytes inside_id(bad.begin(), bad.begin() + std::ptrdiff_t(id_end - 1));
  EXPECT_EQ(envelope_parse_header(inside_id).code(), ErrorCode::envelope_truncated);
  for (std::size_t n : {id_end, id_end + 1, header_size() - 1, header_size()}) {
    const Bytes prefix(bad.begin(), bad.begin() + std::ptrdiff_t(n));
    EXPECT_EQ(envelope_parse_header(prefix).code(), ErrorCode::envelope_bad_header) << n;
  }
}

TEST_F(Envelope, PayloadSizeAboveLimit) {
  const Bytes e = seal(pattern(10));
  for (std::uint64_t size : {kMaxPayloadBytes + 1, std::uint64_t(1) << 40, UINT64_MAX}) {
    Bytes bad = e;
    spec::put_u64le(&bad[16], size);
    EXPECT_EQ(envelope_parse_header(bad).code(), ErrorCode::envelope_size_mismatch) << size;
    expect_error(bad, ErrorCode::envelope_size_mismatch, "payload size " + std::to_string(size));
  }
  // Exactly the limit parses (and then simply announces a larger total).
  Bytes at_limit = e;
  spec::put_u64le(&at_limit[16], kMaxPayloadBytes);
  auto h = envelope_parse_header(at_limit);
  ASSERT_TRUE(h.ok()) << h.message();
  EXPECT_EQ(h.value().total_size, header_size() + kMaxPayloadBytes + (kMaxPayloadBytes / 1024) * 17);
  expect_error(at_limit, ErrorCode::envelope_truncated, "payload size at the limit");
}

// ---- lengths ----------------------------------------------------------------------------

TEST_F(Envelope, CheckLength) {
  const Bytes e = seal(pattern(1500));
  auto h = envelope_parse_header(e);
  ASSERT_TRUE(h.ok());
  EXPECT_TRUE(envelope_check_length(h.value(), e.size()).ok());
  EXPECT_EQ(envelope_check_length(h.value(), e.size() - 1).code(), ErrorCode::envelope_truncated);
  EXPECT_EQ(envelope_check_length(h.value(), 0).code(), ErrorCode::envelope_truncated);
  EXPECT_EQ(envelope_check_length(h.value(), e.size() + 1).code(), ErrorCode::envelope_trailing_bytes);
  EXPECT_EQ(envelope_check_length(h.value(), UINT64_MAX).code(), ErrorCode::envelope_trailing_bytes);
}

TEST_F(Envelope, CheckDeclaredLength) {
  const Bytes e = seal(pattern(70000));
  auto h = envelope_parse_header(e);
  ASSERT_TRUE(h.ok());
  EXPECT_TRUE(envelope_check_declared_length(h.value(), e.size()).ok());
  for (std::uint64_t declared :
       {std::uint64_t{0}, std::uint64_t(e.size() - 1), std::uint64_t(e.size() + 1), UINT64_MAX}) {
    const Status s = envelope_check_declared_length(h.value(), declared);
    EXPECT_EQ(s.code(), ErrorCode::envelope_size_mismatch) << declared;
    EXPECT_NE(s.message().find(std::to_string(e.size())), std::string::npos) << s.message();
  }
}

TEST_F(Envelope, TruncatedAtEveryCutPoint) {
  const Bytes e = seal(pattern(40));
  ASSERT_EQ(e.size(), header_size() + 40 + 17);
  for (std::size_t n = 0; n < e.size(); ++n) {
    const Bytes cut(e.begin(), e.begin() + std::ptrdiff_t(n));
    auto r = open(cut);
    ASSERT_FALSE(r.ok()) << "cut at " << n;
    ASSERT_EQ(r.code(), ErrorCode::envelope_truncated) << "cut at " << n << ": " << error_code_name(r.code());
  }
}

TEST_F(Envelope, TruncatedAtChunkBoundaries) {
  const std::uint32_t chunk = 1024;
  const Bytes e = seal(pattern(3 * chunk + 5), chunk);
  const std::size_t hs = header_size();
  for (std::size_t k = 0; k <= 3; ++k) {
    const std::size_t boundary = hs + k * (chunk + 17);
    for (std::size_t n : {boundary - 1, boundary, boundary + 1, boundary + 17}) {
      if (n >= e.size()) continue;
      const Bytes cut(e.begin(), e.begin() + std::ptrdiff_t(n));
      auto r = open(cut);
      ASSERT_FALSE(r.ok()) << n;
      EXPECT_EQ(r.code(), ErrorCode::envelope_truncated) << n << ": " << error_code_name(r.code());
    }
  }
}

TEST_F(Envelope, TrailingBytes) {
  const Bytes e = seal(pattern(40));
  for (std::size_t extra : {1, 17, 1024}) {
    Bytes bad = e;
    bad.insert(bad.end(), extra, 0);
    expect_error(bad, ErrorCode::envelope_trailing_bytes, std::to_string(extra) + " extra");
  }
}

// ---- keys and projects ------------------------------------------------------------------

TEST_F(Envelope, WrongSecretKey) {
  const Bytes e = seal(pattern(100));
  auto r = envelope_open(e, other_keys.secret_key, kProject);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), ErrorCode::envelope_wrong_key);
  SecretKey zero;
  auto z = envelope_open(e, zero, kProject);
  ASSERT_FALSE(z.ok());
  EXPECT_EQ(z.code(), ErrorCode::envelope_wrong_key);
}

TEST_F(Envelope, WrongProject) {
  const Bytes e = seal(pattern(100));
  for (std::string_view other : {"proj_2", "proj_", "proj_12", "PROJ_1", "", "proj_1\n"}) {
    expect_error(e, ErrorCode::envelope_wrong_project, "expected '" + std::string(other) + "'", other);
  }
  // The project is checked before any decryption: a wrong key gives wrong_project too.
  auto r = envelope_open(e, other_keys.secret_key, "proj_2");
  EXPECT_EQ(r.code(), ErrorCode::envelope_wrong_project);
}

// ---- tampering that only authentication can catch --------------------------------------

TEST_F(Envelope, EditedProjectIdWithMatchingExpectation) {
  // Same length, valid characters, and the caller expects the edited id: the
  // header checks all pass, only the chunks' additional data differs.
  Bytes e = seal(pattern(100));
  e[24 + 5] = '2';  // proj_1 -> proj_2
  expect_error(e, ErrorCode::envelope_corrupt, "project id edited", "proj_2");
}

TEST_F(Envelope, EditedPayloadSizeWithMatchingTruncation) {
  // Shrink payload_size by 3 (same chunk count) and cut 3 bytes: the length
  // check passes. The header (payload_size included) is the additional data
  // of every chunk, so chunk 0 already fails authentication: envelope_corrupt,
  // not envelope_stream_truncated (which needs chunks that authenticate).
  const std::uint32_t chunk = 1024;
  Bytes e = seal(pattern(2 * chunk + 5), chunk);
  spec::put_u64le(&e[16], 2 * chunk + 2);
  e.resize(e.size() - 3);
  auto h = envelope_parse_header(e);
  ASSERT_TRUE(h.ok());
  ASSERT_TRUE(envelope_check_length(h.value(), e.size()).ok());
  expect_error(e, ErrorCode::envelope_corrupt, "payload size edited");
}

TEST_F(Envelope, DroppedFinalChunkWithFixedUpSize) {
  // 4 chunks (3 full + 5 bytes); drop the last one and announce 3 full chunks.
  // As above the edited header breaks chunk 0's authentication first, so the
  // missing FINAL tag is never reached: envelope_corrupt.
  const std::uint32_t chunk = 1024;
  Bytes e = seal(pattern(3 * chunk + 5), chunk);
  e.resize(e.size() - (5 + 17));
  spec::put_u64le(&e[16], 3 * chunk);
  auto h = envelope_parse_header(e);
  ASSERT_TRUE(h.ok());
  ASSERT_TRUE(envelope_check_length(h.value(), e.size()).ok());
  expect_error(e, ErrorCode::envelope_corrupt, "final chunk dropped");
}

TEST_F(Envelope, EditedChunkSizeWithMatchingLength) {
  // 3000 bytes: 3 chunks at 1024, 2 at 2048; remove 17 bytes so the length fits.
  Bytes e = seal(pattern(3000), 1024);
  spec::put_u32le(&e[12], 2048);
  e.resize(e.size() - 17);
  expect_error(e, ErrorCode::envelope_corrupt, "chunk size edited");
}

TEST_F(Envelope, FlippedBitAnywhere) {
  const std::uint32_t chunk = 1024;
  const Bytes e = seal(pattern(2100), chunk);  // 3 chunks
  const std::size_t id_end = 24 + kProject.size();
  const std::size_t key_end = id_end + 80;
  const std::size_t hs = header_size();
  ASSERT_EQ(e.size(), hs + 2100 + 3 * 17);
  std::map<std::string, int> seen;
  for (std::size_t i = 0; i < e.size(); ++i) {
    // Every bit of the plaintext header and sealed key, one bit elsewhere.
    const int bits = i < key_end ? 8 : 1;
    for (int b = 0; b < bits; ++b) {
      const int bit = bits == 8 ? b : int(i % 8);
      Bytes bad = e;
      bad[i] ^= std::uint8_t(1 << bit);
      auto r = open(bad);
      ASSERT_FALSE(r.ok()) << "byte " << i << " bit " << bit << " accepted";
      ++seen[error_code_name(r.code())];
      if (i >= key_end) {
        // Stream header or chunk ciphertext: authentication fails.
        ASSERT_EQ(r.code(), ErrorCode::envelope_corrupt) << "byte " << i << ": " << error_code_name(r.code());
      } else if (i >= id_end && i < key_end) {
        ASSERT_EQ(r.code(), ErrorCode::envelope_wrong_key) << "byte " << i << ": " << error_code_name(r.code());
      } else if (i < 8) {
        ASSERT_EQ(r.code(), ErrorCode::envelope_bad_magic) << i;
      } else if (i == 8) {
        ASSERT_EQ(r.code(), ErrorCode::envelope_bad_version) << i;
      } else if (i == 9 || i == 11 || (i >= 12 && i < 16)) {
        ASSERT_EQ(r.code(), ErrorCode::envelope_bad_header) << i;
      }
      // Bytes 10 (id length), 16..23 (payload size) and the id itself give
      // bad_header, size_mismatch, truncated, trailing_bytes or wrong_project.
    }
  }
  EXPECT_GT(seen["envelope_corrupt"], 2000);
  EXPECT_GT(seen["envelope_wrong_project"], 0);
  EXPECT_GT(seen["envelope_size_mismatch"], 0);
}

TEST_F(Envelope, SwappedChunks) {
  const std::uint32_t chunk = 1024;
  const Bytes e = seal(pattern(3 * chunk, 3), chunk);  // three full, equal-size chunks
  const std::size_t hs = header_size(), c = chunk + 17;
  Bytes swapped = e;
  std::swap_ranges(swapped.begin() + std::ptrdiff_t(hs), swapped.begin() + std::ptrdiff_t(hs + c),
                   swapped.begin() + std::ptrdiff_t(hs + c));
  expect_error(swapped, ErrorCode::envelope_corrupt, "chunks 0 and 1 swapped");
  Bytes last_two = e;
  std::swap_ranges(last_two.begin() + std::ptrdiff_t(hs + c), last_two.begin() + std::ptrdiff_t(hs + 2 * c),
                   last_two.begin() + std::ptrdiff_t(hs + 2 * c));
  expect_error(last_two, ErrorCode::envelope_corrupt, "chunks 1 and 2 swapped");
  Bytes duplicated = e;
  std::copy(e.begin() + std::ptrdiff_t(hs), e.begin() + std::ptrdiff_t(hs + c),
            duplicated.begin() + std::ptrdiff_t(hs + c));
  expect_error(duplicated, ErrorCode::envelope_corrupt, "chunk 0 repeated as chunk 1");
}

TEST_F(Envelope, ChunksSplicedFromAnotherEnvelope) {
  const Bytes payload = pattern(2000);
  const Bytes a = seal(payload), b = seal(payload);
  const std::size_t hs = header_size();
  Bytes mixed = a;
  std::copy(b.begin() + std::ptrdiff_t(hs), b.end(), mixed.begin() + std::ptrdiff_t(hs));
  expect_error(mixed, ErrorCode::envelope_corrupt, "a's key with b's chunks");
  Bytes key_swap = a;  // b's sealed key and stream header in front of a's chunks
  std::copy(b.begin() + 30, b.begin() + std::ptrdiff_t(hs), key_swap.begin() + 30);
  expect_error(key_swap, ErrorCode::envelope_corrupt, "b's key with a's chunks");
}

// ---- streams that authenticate but end wrongly (only a key holder can build them) -----

TEST_F(Envelope, FinalTagTooEarly) {
  const Bytes payload = pattern(2048);
  const Bytes e = spec::craft(kProject, keys.public_key.bytes.data(), payload, 1024, with_tags({kTagFinal, kTagFinal}));
  expect_error(e, ErrorCode::envelope_stream_truncated, "FINAL on chunk 0 of 2");
}

TEST_F(Envelope, LastChunkNotFinal) {
  const Bytes one = spec::craft(kProject, keys.public_key.bytes.data(), pattern(10), 1024, with_tags({kTagMessage}));
  expect_error(one, ErrorCode::envelope_stream_truncated, "single chunk tagged MESSAGE");
  const Bytes two =
      spec::craft(kProject, keys.public_key.bytes.data(), pattern(1500), 1024, with_tags({kTagMessage, kTagMessage}));
  expect_error(two, ErrorCode::envelope_stream_truncated, "last of 2 tagged MESSAGE");
  // The same construction with the right tags opens, so the tags are what is refused.
  const Bytes good = spec::craft(kProject, keys.public_key.bytes.data(), pattern(1500), 1024);
  EXPECT_TRUE(open(good).ok());
}

TEST_F(Envelope, PushOrRekeyTagIsRefused) {
  // secretstream's PUSH and REKEY tags authenticate like any other; libsodium
  // even rekeys the reader's state itself. This format never writes them, so a
  // reader must refuse them wherever they appear.
  constexpr unsigned char kTagPush = crypto_secretstream_xchacha20poly1305_TAG_PUSH;
  constexpr unsigned char kTagRekey = crypto_secretstream_xchacha20poly1305_TAG_REKEY;
  const Bytes payload = pattern(2500);
  for (const auto& [tags, why] : std::vector<std::pair<std::vector<unsigned char>, std::string>>{
           {{kTagPush, kTagMessage, kTagFinal}, "PUSH on chunk 0 of 3"},
           {{kTagMessage, kTagRekey, kTagFinal}, "REKEY on chunk 1 of 3"},
           {{kTagMessage, kTagMessage, kTagPush}, "PUSH on the last chunk"},
           {{kTagMessage, 0x80, kTagFinal}, "an undefined tag byte"},
       }) {
    const Bytes e = spec::craft(kProject, keys.public_key.bytes.data(), payload, 1024, with_tags(tags));
    expect_error(e, ErrorCode::envelope_corrupt, why);
    EXPECT_FALSE(spec::open(e, keys.public_key.bytes.data(), keys.secret_key.bytes.data()).has_value()) << why;
  }
}

TEST(EnvelopeChunkTag, TheRuleEveryChunkReaderShares) {
  EXPECT_TRUE(envelope_check_chunk_tag(kTagMessage, 0, 2).ok());
  EXPECT_TRUE(envelope_check_chunk_tag(kTagFinal, 1, 2).ok());
  EXPECT_TRUE(envelope_check_chunk_tag(kTagFinal, 0, 1).ok());
  EXPECT_EQ(envelope_check_chunk_tag(kTagFinal, 0, 2).code(), ErrorCode::envelope_stream_truncated);
  EXPECT_EQ(envelope_check_chunk_tag(kTagMessage, 1, 2).code(), ErrorCode::envelope_stream_truncated);
  for (unsigned tag = 1; tag < 256; ++tag) {
    if (tag == kTagFinal) continue;
    for (std::uint64_t index : {0, 1}) {
      EXPECT_EQ(envelope_check_chunk_tag(static_cast<unsigned char>(tag), index, 2).code(), ErrorCode::envelope_corrupt)
          << tag << " on chunk " << index;
    }
  }
}

TEST_F(Envelope, DroppedFinalChunkOfAnAuthenticStream) {
  // A sender who declares 3 full chunks but writes the first three chunks of a
  // 4-chunk stream (no FINAL) is caught by the tag check, not by the length.
  const std::uint32_t chunk = 1024;
  const Bytes payload = pattern(3 * chunk);
  const Bytes e = spec::craft(kProject, keys.public_key.bytes.data(), payload, chunk,
                              with_tags({kTagMessage, kTagMessage, kTagMessage}));
  expect_error(e, ErrorCode::envelope_stream_truncated, "no FINAL tag");
}

TEST_F(Envelope, NoCrashOnRandomInput) {
  std::mt19937_64 rng(99);
  const Bytes valid = seal(pattern(1500));
  for (int i = 0; i < 2000; ++i) {
    Bytes buf;
    if (i % 2 == 0) {
      buf.resize(rng() % 400);
      for (auto& b : buf) b = std::uint8_t(rng());
      if (i % 4 == 0 && buf.size() >= 24) {  // a plausible fixed header in front of noise
        std::memcpy(buf.data(), "SEALSHOT\x01\x00", 10);
        buf[10] = std::uint8_t(1 + rng() % 64);
        buf[11] = 0;
        spec::put_u32le(&buf[12], 1024u << (rng() % 11));
        spec::put_u64le(&buf[16], rng() % 300);
      }
    } else {
      buf = valid;  // a real envelope with a few random bytes changed and maybe cut
      for (int e = 0, n = 1 + int(rng() % 3); e < n; ++e) buf[rng() % buf.size()] = std::uint8_t(rng());
      if (rng() % 3 == 0) buf.resize(rng() % buf.size());
    }
    auto h = envelope_parse_header(buf);
    if (h.ok()) {
      ASSERT_LE(h.value().header_size, buf.size());
    }
    auto r = open(buf);
    if (r.ok()) {
      // Only possible when every changed byte was changed to its old value.
      ASSERT_EQ(buf, valid) << "iteration " << i << " opened a modified envelope";
    } else {
      const int code = int(r.code());
      ASSERT_TRUE(code >= 20 && code <= 29) << error_code_name(r.code());
    }
  }
}

// ---- error code names (used by the vector file and the public API) -------------------

TEST(ErrorCodes, NamesAreStableAndDistinct) {
  const std::pair<ErrorCode, const char*> all[] = {
      {ErrorCode::ok, "ok"},
      {ErrorCode::invalid_argument, "invalid_argument"},
      {ErrorCode::image_too_large, "image_too_large"},
      {ErrorCode::buffer_too_small, "buffer_too_small"},
      {ErrorCode::too_many_rects, "too_many_rects"},
      {ErrorCode::bad_key, "bad_key"},
      {ErrorCode::out_of_memory, "out_of_memory"},
      {ErrorCode::encode_failed, "encode_failed"},
      {ErrorCode::text_too_long, "text_too_long"},
      {ErrorCode::envelope_truncated, "envelope_truncated"},
      {ErrorCode::envelope_bad_magic, "envelope_bad_magic"},
      {ErrorCode::envelope_bad_version, "envelope_bad_version"},
      {ErrorCode::envelope_bad_header, "envelope_bad_header"},
      {ErrorCode::envelope_size_mismatch, "envelope_size_mismatch"},
      {ErrorCode::envelope_trailing_bytes, "envelope_trailing_bytes"},
      {ErrorCode::envelope_wrong_project, "envelope_wrong_project"},
      {ErrorCode::envelope_wrong_key, "envelope_wrong_key"},
      {ErrorCode::envelope_corrupt, "envelope_corrupt"},
      {ErrorCode::envelope_stream_truncated, "envelope_stream_truncated"},
      {ErrorCode::payload_malformed, "payload_malformed"},
      {ErrorCode::payload_too_large, "payload_too_large"},
  };
  std::set<std::string> names;
  for (auto [code, name] : all) {
    EXPECT_STREQ(error_code_name(code), name);
    names.insert(error_code_name(code));
  }
  EXPECT_EQ(names.size(), std::size(all));
  EXPECT_STREQ(error_code_name(static_cast<ErrorCode>(999)), "unknown");
  // Numeric values are part of the API too (wasm returns them).
  EXPECT_EQ(int(ErrorCode::envelope_truncated), 20);
  EXPECT_EQ(int(ErrorCode::payload_too_large), 31);
}

// ---- test vectors ---------------------------------------------------------------------

struct Vector {
  std::string name;
  std::string secret_key, public_key, project_id;
  std::uint32_t chunk_size = 0;
  test::RandomSeed rng_seed{};
  Bytes payload, envelope;
  std::string expect_error;  // empty for a positive vector
};

std::vector<Vector> load_vectors() {
  const std::string path = std::string(SEALSHOT_TEST_VECTORS_DIR) + "/envelope_v1.json";
  std::ifstream in(path);
  if (!in) {
    ADD_FAILURE() << "cannot read " << path;
    return {};
  }
  const nlohmann::json doc = nlohmann::json::parse(in);
  EXPECT_EQ(doc.at("format").get<std::string>(), "sealshot-envelope-v1-vectors");
  std::vector<Vector> out;
  for (const auto& j : doc.at("vectors")) {
    Vector v;
    v.name = j.at("name").get<std::string>();
    v.secret_key = j.at("secret_key").get<std::string>();
    v.public_key = j.at("public_key").get<std::string>();
    v.project_id = j.at("project_id").get<std::string>();
    v.envelope = test::from_hex(j.at("envelope").get<std::string>());
    if (j.contains("expect_error")) {
      v.expect_error = j.at("expect_error").get<std::string>();
    } else {
      v.chunk_size = j.at("chunk_size").get<std::uint32_t>();
      v.payload = test::from_hex(j.at("payload").get<std::string>());
      const Bytes seed = test::from_hex(j.at("rng_seed").get<std::string>());
      EXPECT_EQ(seed.size(), 32u) << v.name;
      std::copy_n(seed.begin(), std::min<std::size_t>(32, seed.size()), v.rng_seed.begin());
    }
    out.push_back(std::move(v));
  }
  return out;
}

TEST(EnvelopeVectors, FileCoversPositiveAndNegativeCases) {
  const auto vectors = load_vectors();
  std::set<std::string> names, errors;
  std::size_t positive = 0;
  std::set<std::uint32_t> chunk_sizes;
  for (const auto& v : vectors) {
    EXPECT_TRUE(names.insert(v.name).second) << "duplicate vector name " << v.name;
    if (v.expect_error.empty()) {
      ++positive;
      chunk_sizes.insert(v.chunk_size);
    } else {
      errors.insert(v.expect_error);
    }
  }
  EXPECT_GE(positive, 4u);
  EXPECT_TRUE(chunk_sizes.count(1024) && chunk_sizes.count(65536));
  for (const char* e : {"envelope_truncated", "envelope_wrong_project", "envelope_corrupt", "envelope_wrong_key"}) {
    EXPECT_TRUE(errors.count(e)) << "no vector for " << e;
  }
}

TEST(EnvelopeVectors, OpenEachVector) {
  const auto vectors = load_vectors();
  ASSERT_FALSE(vectors.empty());
  for (const auto& v : vectors) {
    SCOPED_TRACE(v.name);
    auto secret = secret_key_from_text(v.secret_key);
    auto pub = public_key_from_text(v.public_key);
    ASSERT_TRUE(secret.ok() && pub.ok());
    auto derived = public_key_from_secret(secret.value());
    ASSERT_TRUE(derived.ok());
    if (v.expect_error.empty()) {
      EXPECT_EQ(derived.value().bytes, pub.value().bytes) << "public key does not belong to the secret key";
      auto opened = envelope_open(v.envelope, secret.value(), v.project_id);
      ASSERT_TRUE(opened.ok()) << error_code_name(opened.code()) << ": " << opened.message();
      EXPECT_EQ(opened.value(), v.payload);
      auto independent = spec::open(v.envelope, pub.value().bytes.data(), secret.value().bytes.data());
      ASSERT_TRUE(independent.has_value());
      EXPECT_EQ(*independent, v.payload);
      auto h = envelope_parse_header(v.envelope);
      ASSERT_TRUE(h.ok());
      EXPECT_EQ(h.value().chunk_size, v.chunk_size);
      EXPECT_EQ(h.value().project_id, v.project_id);
    } else {
      auto opened = envelope_open(v.envelope, secret.value(), v.project_id);
      ASSERT_FALSE(opened.ok()) << "negative vector opened";
      EXPECT_EQ(error_code_name(opened.code()), v.expect_error) << opened.message();
    }
  }
}

TEST(EnvelopeVectors, ResealIsByteIdentical) {
  ASSERT_TRUE(test::deterministic_random_active()) << "envelope_test must run with test_main_deterministic.cpp";
  auto vectors = load_vectors();
  ASSERT_FALSE(vectors.empty());
  // Reverse order on purpose: each vector resets the generator, so order must not matter.
  std::reverse(vectors.begin(), vectors.end());
  std::size_t resealed = 0;
  for (const auto& v : vectors) {
    if (!v.expect_error.empty()) continue;
    SCOPED_TRACE(v.name);
    auto pub = public_key_from_text(v.public_key);
    ASSERT_TRUE(pub.ok());
    test::reset_deterministic_random(v.rng_seed);
    auto sealed = envelope_seal(v.project_id, pub.value(), v.payload, v.chunk_size);
    ASSERT_TRUE(sealed.ok()) << sealed.message();
    ASSERT_EQ(sealed.value().size(), v.envelope.size());
    if (sealed.value() != v.envelope) {
      std::size_t first = 0;
      while (sealed.value()[first] == v.envelope[first]) ++first;
      ADD_FAILURE() << "re-sealed envelope differs from the vector, first at byte " << first;
    }
    ++resealed;
  }
  EXPECT_GE(resealed, 4u);
}

TEST(EnvelopeVectors, DifferentSeedGivesDifferentEnvelope) {
  // Guards the check above: the deterministic generator really drives the
  // content key, the ephemeral key and the nonce.
  auto vectors = load_vectors();
  ASSERT_FALSE(vectors.empty());
  const Vector& v = vectors.front();
  ASSERT_TRUE(v.expect_error.empty());
  auto pub = public_key_from_text(v.public_key);
  ASSERT_TRUE(pub.ok());
  test::RandomSeed seed = v.rng_seed;
  seed[0] ^= 1;
  test::reset_deterministic_random(seed);
  auto sealed = envelope_seal(v.project_id, pub.value(), v.payload, v.chunk_size);
  ASSERT_TRUE(sealed.ok());
  ASSERT_EQ(sealed.value().size(), v.envelope.size());
  const std::size_t fixed = 24 + v.project_id.size();
  EXPECT_TRUE(std::equal(v.envelope.begin(), v.envelope.begin() + std::ptrdiff_t(fixed), sealed.value().begin()));
  EXPECT_FALSE(std::equal(v.envelope.begin() + std::ptrdiff_t(fixed), v.envelope.end(),
                          sealed.value().begin() + std::ptrdiff_t(fixed)));
}

}  // namespace
}  // namespace sealshot
