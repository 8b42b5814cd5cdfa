// Payload framing: pack/unpack round trips checked against a hand-built byte
// layout, every refusal on pack, and unpack on truncated, padded, lying and
// random input.
#include "payload.h"

#include <gtest/gtest.h>
#include <sys/mman.h>

#include <cstring>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "core_limits.h"
#include "support/synthetic_image.h"

namespace sealshot {
namespace {

std::vector<std::uint8_t> bytes_of(std::string_view s) { return {s.begin(), s.end()}; }

PayloadPartView part(std::string_view name, std::string_view type, const std::vector<std::uint8_t>& data) {
  return {name, type, std::span<const std::uint8_t>(data)};
}

void put_u64(std::vector<std::uint8_t>& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(std::uint8_t(v >> (8 * i)));
}

// Independent serialisation of the documented layout:
// "SSPL" | version u8 | count u8 | count x (name len u8, name, type len u8,
// type, size u64 LE) | the data of each part in order.
struct RawPart {
  RawPart(std::string n, std::string t, std::vector<std::uint8_t> d, std::optional<std::uint64_t> size = {})
      : name(std::move(n)), type(std::move(t)), data(std::move(d)), declared_size(size) {}
  std::string name, type;
  std::vector<std::uint8_t> data;
  std::optional<std::uint64_t> declared_size;  // default: data.size()
};
std::vector<std::uint8_t> hand_built(const std::vector<RawPart>& parts, std::uint8_t version = 1, int count = -1,
                                     const char* magic = "SSPL") {
  std::vector<std::uint8_t> out(magic, magic + 4);
  out.push_back(version);
  out.push_back(std::uint8_t(count < 0 ? parts.size() : std::size_t(count)));
  for (const RawPart& p : parts) {
    out.push_back(std::uint8_t(p.name.size()));
    out.insert(out.end(), p.name.begin(), p.name.end());
    out.push_back(std::uint8_t(p.type.size()));
    out.insert(out.end(), p.type.begin(), p.type.end());
    put_u64(out, p.declared_size.value_or(p.data.size()));
  }
  for (const RawPart& p : parts) out.insert(out.end(), p.data.begin(), p.data.end());
  return out;
}

struct Report {
  std::vector<std::uint8_t> manifest = bytes_of(R"({"url":"https://example.test/page","note":"broken"})");
  std::vector<std::uint8_t> png = test::make_screenshot(17, 9);  // stands in for PNG bytes
  std::vector<std::uint8_t> log = bytes_of("console.error: something\n");
  std::vector<PayloadPartView> views() const {
    return {part(kManifestPartName, "application/json", manifest), part(kScreenshotPartName, "image/png", png),
            part("console-log.txt", "text/plain;charset=utf-8", log)};
  }
};

void expect_malformed(std::span<const std::uint8_t> bytes, const std::string& why) {
  auto r = payload_unpack(bytes);
  ASSERT_FALSE(r.ok()) << why;
  EXPECT_EQ(r.code(), ErrorCode::payload_malformed) << why << ": " << error_code_name(r.code());
  EXPECT_FALSE(r.message().empty());
}

// ---- round trips ----------------------------------------------------------------

TEST(Payload, PackMatchesDocumentedLayout) {
  const Report report;
  auto packed = payload_pack(report.views());
  ASSERT_TRUE(packed.ok()) << packed.message();
  const auto expected = hand_built({{"manifest.json", "application/json", report.manifest},
                                    {"screenshot.png", "image/png", report.png},
                                    {"console-log.txt", "text/plain;charset=utf-8", report.log}});
  EXPECT_EQ(packed.value(), expected);
}

TEST(Payload, RoundTripThreeParts) {
  const Report report;
  auto packed = payload_pack(report.views());
  ASSERT_TRUE(packed.ok()) << packed.message();
  auto parts = payload_unpack(packed.value());
  ASSERT_TRUE(parts.ok()) << parts.message();
  ASSERT_EQ(parts.value().size(), 3u);
  EXPECT_EQ(parts.value()[0].name, "manifest.json");
  EXPECT_EQ(parts.value()[0].content_type, "application/json");
  EXPECT_EQ(parts.value()[0].data, report.manifest);
  EXPECT_EQ(parts.value()[1].name, "screenshot.png");
  EXPECT_EQ(parts.value()[1].content_type, "image/png");
  EXPECT_EQ(parts.value()[1].data, report.png);
  EXPECT_EQ(parts.value()[2].name, "console-log.txt");
  EXPECT_EQ(parts.value()[2].content_type, "text/plain;charset=utf-8");
  EXPECT_EQ(parts.value()[2].data, report.log);
}

TEST(Payload, UnpackOfHandBuiltBytes) {
  const auto bytes = hand_built({{"a", "x/y", bytes_of("12345")}, {"b-2.txt", "t/p", {}}});
  auto parts = payload_unpack(bytes);
  ASSERT_TRUE(parts.ok()) << parts.message();
  ASSERT_EQ(parts.value().size(), 2u);
  EXPECT_EQ(parts.value()[0].name, "a");
  EXPECT_EQ(parts.value()[0].data, bytes_of("12345"));
  EXPECT_EQ(parts.value()[1].name, "b-2.txt");
  EXPECT_TRUE(parts.value()[1].data.empty());
}

TEST(Payload, EmptyDataPartsAllowed) {
  const std::vector<std::uint8_t> empty;
  const auto manifest = bytes_of("{}");
  const std::vector<PayloadPartView> views = {part("manifest.json", "application/json", manifest),
                                              part("empty.bin", "application/octet-stream", empty),
                                              part("also-empty", "a/b", empty)};
  auto packed = payload_pack(views);
  ASSERT_TRUE(packed.ok()) << packed.message();
  auto parts = payload_unpack(packed.value());
  ASSERT_TRUE(parts.ok()) << parts.message();
  ASSERT_EQ(parts.value().size(), 3u);
  EXPECT_TRUE(parts.value()[1].data.empty());
  EXPECT_TRUE(parts.value()[2].data.empty());
  EXPECT_EQ(parts.value()[0].data, manifest);
  // A single empty part alone is fine too.
  const std::vector<PayloadPartView> one = {part("x", "a/b", empty)};
  auto single = payload_pack(one);
  ASSERT_TRUE(single.ok());
  EXPECT_EQ(single.value().size(), 6u + 1 + 1 + 1 + 3 + 8);
  EXPECT_TRUE(payload_unpack(single.value()).ok());
}

TEST(Payload, SixteenPartsAndLimitLengthNamesAccepted) {
  std::vector<std::vector<std::uint8_t>> data;
  std::vector<std::string> names;
  for (std::size_t i = 0; i < kMaxPayloadParts; ++i) {
    data.push_back(bytes_of("part " + std::to_string(i)));
    names.push_back(std::string(62, 'p') + char('a' + i / 10) + char('0' + i % 10));  // 64 chars
  }
  const std::string type(127, 't');
  std::vector<PayloadPartView> views;
  for (std::size_t i = 0; i < kMaxPayloadParts; ++i) views.push_back(part(names[i], type, data[i]));
  auto packed = payload_pack(views);
  ASSERT_TRUE(packed.ok()) << packed.message();
  auto parts = payload_unpack(packed.value());
  ASSERT_TRUE(parts.ok()) << parts.message();
  ASSERT_EQ(parts.value().size(), kMaxPayloadParts);
  for (std::size_t i = 0; i < kMaxPayloadParts; ++i) {
    EXPECT_EQ(parts.value()[i].name, names[i]);
    EXPECT_EQ(parts.value()[i].content_type, type);
    EXPECT_EQ(parts.value()[i].data, data[i]);
  }
}

TEST(Payload, NameAndTypeCharacterSets) {
  const auto d = bytes_of("x");
  const std::vector<PayloadPartView> ok = {part("az09._-", "!~/\"#", d)};
  EXPECT_TRUE(payload_pack(ok).ok());
}

// ---- reports ------------------------------------------------------------------------

std::vector<PayloadPart> parts_of(const std::vector<RawPart>& raw) {
  auto r = payload_unpack(hand_built(raw));
  EXPECT_TRUE(r.ok()) << r.message();
  return r.ok() ? r.value() : std::vector<PayloadPart>{};
}

TEST(Payload, AReportStartsWithItsManifest) {
  const auto json = bytes_of("{}"), png = bytes_of("png");
  EXPECT_TRUE(report_check_parts(parts_of({{"manifest.json", "application/json", json}})).ok());
  EXPECT_TRUE(
      report_check_parts(parts_of({{"manifest.json", "application/json", json}, {"screenshot.png", "image/png", png}}))
          .ok());
  for (const auto& [raw, why] : std::vector<std::pair<std::vector<RawPart>, std::string>>{
           {{{"screenshot.png", "image/png", png}}, "no manifest"},
           {{{"screenshot.png", "image/png", png}, {"manifest.json", "application/json", json}}, "manifest second"},
           {{{"manifest.json", "text/plain", json}}, "manifest of another type"},
       }) {
    const Status s = report_check_parts(parts_of(raw));
    EXPECT_EQ(s.code(), ErrorCode::payload_malformed) << why;
  }
  EXPECT_EQ(report_check_parts({}).code(), ErrorCode::payload_malformed);
}

// ---- pack refusals ------------------------------------------------------------------

void expect_pack_refused(const std::vector<PayloadPartView>& views, ErrorCode want, const std::string& why) {
  auto r = payload_pack(views);
  ASSERT_FALSE(r.ok()) << why;
  EXPECT_EQ(r.code(), want) << why << ": " << error_code_name(r.code()) << " " << r.message();
}

TEST(Payload, PackRefusesInvalidNames) {
  const auto d = bytes_of("data");
  for (const std::string& name :
       {std::string(), std::string(65, 'a'), std::string("Manifest.json"), std::string("a b"), std::string("dir/file"),
        std::string("a\\b"), std::string("caf\xc3\xa9"), std::string("a\0b", 3), std::string("a:b")}) {
    expect_pack_refused({part(name, "a/b", d)}, ErrorCode::invalid_argument, "name '" + name + "'");
  }
}

TEST(Payload, NamesMustStartWithLetterOrDigit) {
  // Part names become file names in `sealshot open`: ".", "..", hidden files
  // and option-like names are refused on both sides (docs/envelope.md).
  const auto d = bytes_of("data");
  for (const std::string name : {".", "..", ".hidden", "-rf", "_x", "...", ".manifest.json"}) {
    expect_pack_refused({part(name, "a/b", d)}, ErrorCode::invalid_argument, "name '" + name + "'");
    expect_malformed(hand_built({{name, "a/b", d}}), "unpack name '" + name + "'");
  }
  for (const std::string name : {"a.", "0-", "z_", "9..", "a-b_c.d"}) {
    auto packed = payload_pack(std::vector<PayloadPartView>{part(name, "a/b", d)});
    ASSERT_TRUE(packed.ok()) << name << ": " << packed.message();
    auto parts = payload_unpack(packed.value());
    ASSERT_TRUE(parts.ok()) << name;
    EXPECT_EQ(parts.value()[0].name, name);
  }
}

TEST(Payload, PackRefusesInvalidContentTypes) {
  const auto d = bytes_of("data");
  for (const std::string& type :
       {std::string(), std::string(128, 't'), std::string(" text/plain"), std::string("text/plain "), std::string(" "),
        std::string("a\x7f"), std::string("a\tb"), std::string("caf\xc3\xa9"), std::string("a\0b", 3)}) {
    expect_pack_refused({part("x", type, d)}, ErrorCode::invalid_argument, "type '" + type + "'");
    expect_malformed(hand_built({{"x", type, d}}), "unpack type '" + type + "'");
  }
}

TEST(Payload, ContentTypesMayHoldSpacesInside) {
  // A media type with parameters as RFC 9110 writes it (docs/envelope.md).
  const auto d = bytes_of("data");
  for (const std::string type : {"text/plain; charset=utf-8", "multipart/mixed; boundary=\"a b\"", "a b"}) {
    auto packed = payload_pack(std::vector<PayloadPartView>{part("x", type, d)});
    ASSERT_TRUE(packed.ok()) << type << ": " << packed.message();
    EXPECT_EQ(packed.value(), hand_built({{"x", type, d}})) << type;
    auto parts = payload_unpack(packed.value());
    ASSERT_TRUE(parts.ok()) << type << ": " << parts.message();
    EXPECT_EQ(parts.value()[0].content_type, type);
  }
}

TEST(Payload, PackRefusesDuplicateNames) {
  const auto d = bytes_of("data");
  expect_pack_refused({part("a", "x/y", d), part("b", "x/y", d), part("a", "z/w", d)}, ErrorCode::invalid_argument,
                      "duplicate");
}

TEST(Payload, PackRefusesZeroAndSeventeenParts) {
  expect_pack_refused({}, ErrorCode::invalid_argument, "0 parts");
  const auto d = bytes_of("d");
  std::vector<std::string> names;
  for (std::size_t i = 0; i <= kMaxPayloadParts; ++i) names.push_back("p" + std::to_string(i));
  std::vector<PayloadPartView> views;
  for (const auto& n : names) views.push_back(part(n, "a/b", d));
  ASSERT_EQ(views.size(), 17u);
  expect_pack_refused(views, ErrorCode::invalid_argument, "17 parts");
}

TEST(Payload, PackRefusesOversizedPayloadWithoutReadingIt) {
  // 16 parts that all view the same 16 MiB + 1 read-only zero mapping: more
  // than kMaxPayloadBytes in total, with no real memory behind it.
  const std::size_t each = (kMaxPayloadBytes / kMaxPayloadParts) + 1;
  void* map = mmap(nullptr, each, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  ASSERT_NE(map, MAP_FAILED);
  const std::span<const std::uint8_t> big(static_cast<const std::uint8_t*>(map), each);
  std::vector<std::string> names;
  for (std::size_t i = 0; i < kMaxPayloadParts; ++i) names.push_back("p" + std::to_string(i));
  std::vector<PayloadPartView> views;
  for (const auto& n : names) views.push_back({n, "a/b", big});
  auto r = payload_pack(views);
  munmap(map, each);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), ErrorCode::payload_too_large);
}

// ---- unpack refusals -----------------------------------------------------------------

class PayloadUnpack : public ::testing::Test {
 protected:
  void SetUp() override {
    auto packed = payload_pack(report.views());
    ASSERT_TRUE(packed.ok());
    valid = packed.value();
    ASSERT_TRUE(payload_unpack(valid).ok());
  }
  Report report;
  std::vector<std::uint8_t> valid;
};

TEST_F(PayloadUnpack, BadMagic) {
  for (std::size_t i = 0; i < 4; ++i) {
    auto bad = valid;
    bad[i] ^= 0x20;
    expect_malformed(bad, "magic byte " + std::to_string(i));
  }
  expect_malformed(hand_built({{"a", "b/c", {}}}, 1, -1, "SSPM"), "SSPM");
}

TEST_F(PayloadUnpack, BadVersion) {
  for (std::uint8_t v : {0, 2, 255}) {
    auto bad = valid;
    bad[4] = v;
    expect_malformed(bad, "version " + std::to_string(v));
  }
}

TEST_F(PayloadUnpack, BadPartCount) {
  expect_malformed(hand_built({}, 1, 0), "count 0");
  std::vector<RawPart> seventeen;
  for (int i = 0; i < 17; ++i) seventeen.push_back({"p" + std::to_string(i), "a/b", {}});
  expect_malformed(hand_built(seventeen), "count 17");
  // A count larger than the table that follows.
  auto bad = valid;
  bad[5] = 4;
  expect_malformed(bad, "count 4 with 3 entries");
}

TEST_F(PayloadUnpack, BadNamesAndTypesInTable) {
  expect_malformed(hand_built({{"A", "a/b", {}}}), "uppercase name");
  expect_malformed(hand_built({{"", "a/b", {}}}), "empty name");
  expect_malformed(hand_built({{std::string(65, 'a'), "a/b", {}}}), "65-char name");
  expect_malformed(hand_built({{"a", "a/b", {}}, {"a", "c/d", {}}}), "duplicate name");
  expect_malformed(hand_built({{"a", "", {}}}), "empty type");
  expect_malformed(hand_built({{"a", "a/b ", {}}}), "type ending in a space");
  expect_malformed(hand_built({{"a", "a\tb", {}}}), "type with a tab");
  expect_malformed(hand_built({{"a", std::string(128, 't'), {}}}), "128-char type");
}

TEST_F(PayloadUnpack, EveryTruncationIsRefused) {
  ASSERT_GT(valid.size(), 100u);
  for (std::size_t n = 0; n < valid.size(); ++n) {
    // A fresh heap copy of exactly n bytes, so ASan catches any read past it.
    const std::vector<std::uint8_t> prefix(valid.begin(), valid.begin() + std::ptrdiff_t(n));
    auto r = payload_unpack(prefix);
    ASSERT_FALSE(r.ok()) << "prefix of " << n << " of " << valid.size() << " bytes accepted";
    ASSERT_EQ(r.code(), ErrorCode::payload_malformed) << n;
  }
}

TEST_F(PayloadUnpack, TrailingBytes) {
  for (std::size_t extra : {1, 2, 100}) {
    auto bad = valid;
    bad.insert(bad.end(), extra, 0);
    expect_malformed(bad, std::to_string(extra) + " trailing bytes");
  }
}

TEST_F(PayloadUnpack, SizesPointingPastTheEnd) {
  const auto a = bytes_of("abc");
  expect_malformed(hand_built({{"a", "x/y", a, 4}}), "size one past the end");
  expect_malformed(hand_built({{"a", "x/y", a, UINT64_MAX}}), "size 2^64-1");
  expect_malformed(hand_built({{"a", "x/y", a, 1ull << 63}}), "size 2^63");
  expect_malformed(hand_built({{"a", "x/y", a, 2}, {"b", "x/y", a, UINT64_MAX - 1}}), "sum wraps");
  expect_malformed(hand_built({{"a", "x/y", a, 2}}), "size short: leaves a trailing byte");
  // Sizes that shift bytes between parts but add up are a valid (different) payload.
  auto shifted = payload_unpack(hand_built({{"a", "x/y", a, 1}, {"b", "x/y", a, 5}}));
  ASSERT_TRUE(shifted.ok()) << shifted.message();
  EXPECT_EQ(shifted.value()[0].data, bytes_of("a"));
  EXPECT_EQ(shifted.value()[1].data, bytes_of("bcabc"));
}

TEST_F(PayloadUnpack, NoCrashOnRandomBytes) {
  std::mt19937_64 rng(20240611);
  std::size_t accepted = 0;
  for (int i = 0; i < 2000; ++i) {
    std::vector<std::uint8_t> buf(rng() % 300);
    for (auto& b : buf) b = std::uint8_t(rng());
    if (i % 2 == 1 && buf.size() >= 6) {  // half of them get a valid prefix to reach the table parser
      std::memcpy(buf.data(), "SSPL\x01", 5);
      buf[5] = std::uint8_t(1 + rng() % 16);
    }
    auto r = payload_unpack(buf);
    if (r.ok()) {
      ++accepted;
      // Anything accepted must re-pack to the same bytes.
      std::vector<PayloadPartView> views;
      for (const auto& p : r.value()) views.push_back({p.name, p.content_type, p.data});
      auto again = payload_pack(views);
      ASSERT_TRUE(again.ok());
      EXPECT_EQ(again.value(), buf);
    } else {
      ASSERT_EQ(r.code(), ErrorCode::payload_malformed);
    }
  }
  EXPECT_LT(accepted, 2000u);
}

TEST_F(PayloadUnpack, NoCrashOnMutatedValidPayload) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 2000; ++i) {
    auto buf = valid;
    const int edits = 1 + int(rng() % 4);
    for (int e = 0; e < edits; ++e) buf[rng() % 120 % buf.size()] = std::uint8_t(rng());  // the table area
    auto r = payload_unpack(buf);
    if (r.ok()) {
      std::vector<PayloadPartView> views;
      for (const auto& p : r.value()) views.push_back({p.name, p.content_type, p.data});
      auto again = payload_pack(views);
      ASSERT_TRUE(again.ok());
      EXPECT_EQ(again.value(), buf);
    } else {
      ASSERT_EQ(r.code(), ErrorCode::payload_malformed);
    }
  }
}

}  // namespace
}  // namespace sealshot
