// Keys: generation, the 43-character URL-safe base64 text form (checked against
// an independent encoder and fixed vectors), X25519 derivation (RFC 7748
// vector), and every way a key text is refused.
#include "keys.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <new>
#include <string>

#include "base64url.h"
#include "support/hex.h"

namespace sealshot {
namespace {

// Independent base64url (RFC 4648 §5) encoder without padding.
std::string reference_base64url(const std::uint8_t* data, std::size_t n) {
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (std::size_t i = 0; i < n; ++i) {
    acc = (acc << 8) | data[i];
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(alphabet[(acc >> bits) & 63]);
    }
  }
  if (bits > 0) out.push_back(alphabet[(acc << (6 - bits)) & 63]);
  return out;
}

bool is_url_safe_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

template <class Key>
Key key_from_hex(const char* hex) {
  Key k;
  const auto bytes = test::from_hex(hex);
  std::copy(bytes.begin(), bytes.end(), k.bytes.begin());
  return k;
}

// Found by UBSan (scripts/test-sanitizers asan): a sealed note of zero
// bytes reached libsodium with a null output buffer. Nothing is nothing.
TEST(Base64Url, NoBytesIsTheEmptyTextBothWays) {
  EXPECT_EQ(base64url_encode({}), "");
  const auto none = base64url_decode("", 0);
  ASSERT_TRUE(none.has_value());
  EXPECT_TRUE(none->empty());
  EXPECT_FALSE(base64url_decode("AA", 0).has_value());
  EXPECT_EQ(base64url_decode("AQ", 1), std::vector<std::uint8_t>{1});
}

TEST(Keys, GenerateGivesCanonicalText) {
  auto pair = keypair_generate();
  ASSERT_TRUE(pair.ok()) << pair.message();
  for (const std::string& text : {key_to_text(pair.value().public_key), key_to_text(pair.value().secret_key)}) {
    EXPECT_EQ(text.size(), kKeyTextLength);
    EXPECT_TRUE(std::all_of(text.begin(), text.end(), is_url_safe_char)) << text;
    EXPECT_EQ(text.find('='), std::string::npos);
  }
  EXPECT_NE(pair.value().public_key.bytes, pair.value().secret_key.bytes);
}

TEST(Keys, TwoGeneratedKeypairsDiffer) {
  auto a = keypair_generate();
  auto b = keypair_generate();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a.value().secret_key.bytes, b.value().secret_key.bytes);
  EXPECT_NE(a.value().public_key.bytes, b.value().public_key.bytes);
}

TEST(Keys, TextRoundTrip) {
  for (int i = 0; i < 50; ++i) {
    auto pair = keypair_generate();
    ASSERT_TRUE(pair.ok());
    const std::string pub = key_to_text(pair.value().public_key);
    const std::string sec = key_to_text(pair.value().secret_key);
    auto pub_back = public_key_from_text(pub);
    auto sec_back = secret_key_from_text(sec);
    ASSERT_TRUE(pub_back.ok()) << pub_back.message();
    ASSERT_TRUE(sec_back.ok()) << sec_back.message();
    EXPECT_EQ(pub_back.value().bytes, pair.value().public_key.bytes);
    EXPECT_EQ(sec_back.value().bytes, pair.value().secret_key.bytes);
    // Independent encoder agrees.
    EXPECT_EQ(pub, reference_base64url(pair.value().public_key.bytes.data(), kKeyBytes));
    EXPECT_EQ(sec, reference_base64url(pair.value().secret_key.bytes.data(), kKeyBytes));
  }
}

TEST(Keys, FixedTextVectors) {
  PublicKey zeros;
  EXPECT_EQ(key_to_text(zeros), std::string(43, 'A'));
  PublicKey ones;
  ones.bytes.fill(0xff);
  EXPECT_EQ(key_to_text(ones), std::string(42, '_') + "8");  // last char: 4 one bits + 2 zero bits = 60
  PublicKey counting;
  for (std::size_t i = 0; i < kKeyBytes; ++i) counting.bytes[i] = std::uint8_t(i);
  EXPECT_EQ(key_to_text(counting), "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8");
  PublicKey hi;
  for (std::size_t i = 0; i < kKeyBytes; ++i) hi.bytes[i] = std::uint8_t(0xfb + (i % 5));  // hits '-' and '_'
  const std::string hi_text = key_to_text(hi);
  EXPECT_EQ(hi_text, reference_base64url(hi.bytes.data(), kKeyBytes));
  EXPECT_NE(hi_text.find_first_of("-_"), std::string::npos);
  auto back = public_key_from_text(hi_text);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back.value().bytes, hi.bytes);
}

TEST(Keys, SecretToPublicMatchesGenerated) {
  for (int i = 0; i < 20; ++i) {
    auto pair = keypair_generate();
    ASSERT_TRUE(pair.ok());
    auto derived = public_key_from_secret(pair.value().secret_key);
    ASSERT_TRUE(derived.ok()) << derived.message();
    EXPECT_EQ(derived.value().bytes, pair.value().public_key.bytes);
  }
}

TEST(Keys, SecretToPublicRfc7748Vector) {
  // RFC 7748 §6.1, Alice's key pair.
  const auto secret = key_from_hex<SecretKey>("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
  const auto expected = test::from_hex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
  auto pub = public_key_from_secret(secret);
  ASSERT_TRUE(pub.ok()) << pub.message();
  EXPECT_TRUE(std::equal(pub.value().bytes.begin(), pub.value().bytes.end(), expected.begin()));
}

TEST(Keys, SurroundingWhitespaceAccepted) {
  auto pair = keypair_generate();
  ASSERT_TRUE(pair.ok());
  const std::string text = key_to_text(pair.value().public_key);
  for (const std::string& wrapped : {text + "\n", "  " + text, "\t" + text + "\r\n", "\n\n" + text + " \t\n"}) {
    auto pub = public_key_from_text(wrapped);
    ASSERT_TRUE(pub.ok()) << pub.message();
    EXPECT_EQ(pub.value().bytes, pair.value().public_key.bytes);
  }
  const std::string sec_text = key_to_text(pair.value().secret_key) + "\n";
  auto sec = secret_key_from_text(sec_text);
  ASSERT_TRUE(sec.ok()) << sec.message();
  EXPECT_EQ(sec.value().bytes, pair.value().secret_key.bytes);
}

void expect_bad_key(const std::string& text, const char* why) {
  SCOPED_TRACE(why);
  auto pub = public_key_from_text(text);
  ASSERT_FALSE(pub.ok()) << "accepted as public key: '" << text << "'";
  EXPECT_EQ(pub.code(), ErrorCode::bad_key) << error_code_name(pub.code());
  EXPECT_FALSE(pub.message().empty());
  auto sec = secret_key_from_text(text);
  ASSERT_FALSE(sec.ok()) << "accepted as secret key: '" << text << "'";
  EXPECT_EQ(sec.code(), ErrorCode::bad_key) << error_code_name(sec.code());
}

class KeysRefuse : public ::testing::Test {
 protected:
  void SetUp() override {
    // A fixed key whose text has no '-' or '_' near the places edited below.
    PublicKey k;
    for (std::size_t i = 0; i < kKeyBytes; ++i) k.bytes[i] = std::uint8_t(i * 37 + 11);
    good = key_to_text(k);
    ASSERT_EQ(good.size(), 43u);
    ASSERT_TRUE(public_key_from_text(good).ok());
  }
  std::string good;
};

TEST_F(KeysRefuse, WrongLength) {
  expect_bad_key(good.substr(0, 42), "42 chars");
  expect_bad_key(good + "A", "44 chars");
  expect_bad_key(good + good, "86 chars");
  expect_bad_key(good.substr(0, 1), "1 char");
}

TEST_F(KeysRefuse, EmptyAndWhitespaceOnly) {
  expect_bad_key("", "empty");
  expect_bad_key(" ", "one space");
  expect_bad_key("\n\t\r  ", "whitespace");
  expect_bad_key(std::string(43, ' '), "43 spaces");
}

TEST_F(KeysRefuse, Padding) {
  expect_bad_key(good + "=", "43 chars plus '='");
  expect_bad_key(good.substr(0, 42) + "=", "42 chars plus '='");
  expect_bad_key(good.substr(0, 41) + "==", "41 chars plus '=='");
}

TEST_F(KeysRefuse, StandardBase64Characters) {
  for (char c : {'+', '/'}) {
    for (std::size_t pos : {std::size_t(0), std::size_t(20), std::size_t(41)}) {
      std::string t = good;
      t[pos] = c;
      expect_bad_key(t, ("'" + std::string(1, c) + "' at " + std::to_string(pos)).c_str());
    }
  }
}

TEST_F(KeysRefuse, NonCanonicalLastCharacter) {
  // The last character carries 4 key bits and 2 must-be-zero bits: 'A'*42 +
  // 'B' decodes to the same 32 zero bytes as 'A'*43 but is not canonical.
  ASSERT_TRUE(public_key_from_text(std::string(43, 'A')).ok());
  for (char last : {'B', 'C', 'D'}) expect_bad_key(std::string(42, 'A') + last, "non-canonical last char");
  std::string t = good;
  const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const std::size_t index = std::strchr(alphabet, t[42]) - alphabet;
  ASSERT_EQ(index % 4, 0u);  // canonical: low two bits clear
  t[42] = alphabet[index + 1];
  expect_bad_key(t, "good key with a low bit set in the last char");
}

TEST_F(KeysRefuse, OtherCharacters) {
  for (char c : {' ', '.', '*', '\0', '\n', '\x80', '\xff', '~'}) {
    std::string t = good;
    t[10] = c;
    expect_bad_key(t, ("byte " + std::to_string(static_cast<unsigned char>(c)) + " inside").c_str());
  }
  std::string inner = good.substr(0, 20) + " " + good.substr(20, 22);  // 43 chars with an inner space
  expect_bad_key(inner, "inner space");
}

TEST(Keys, SecretKeyIsWipedOnDestruction) {
  alignas(SecretKey) unsigned char storage[sizeof(SecretKey)];
  auto* key = new (storage) SecretKey();
  key->bytes.fill(0xa5);
  ASSERT_NE(std::count(storage, storage + sizeof storage, 0xa5), 0);
  key->~SecretKey();
  // sodium_memzero is not optimised away, so the storage is now all zero.
  EXPECT_EQ(std::count(storage, storage + sizeof storage, 0), std::ptrdiff_t(sizeof storage));
}

TEST(Keys, CryptoInitIsIdempotent) {
  EXPECT_TRUE(crypto_init().ok());
  EXPECT_TRUE(crypto_init().ok());
}

}  // namespace
}  // namespace sealshot
