// Account keys: KDF parameter pinning, the password → auth/wrap key
// derivation (vectors computed with independent implementations, see
// tests/vectors/account_keys_v1.json), wrapped secret keys, project key grants,
// fingerprints and the password policy — each with every refusal path.
#include "account_keys.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>

#include "key_fingerprint.h"
#include "key_wrap.h"
#include "password_policy.h"
#include "support/hex.h"

namespace sealshot {
namespace {

const nlohmann::json& vectors() {
  static const nlohmann::json v = [] {
    std::ifstream in(std::string(SEALSHOT_TEST_VECTORS_DIR) + "/account_keys_v1.json");
    return nlohmann::json::parse(in);
  }();
  return v;
}

std::array<std::uint8_t, kKeyBytes> key32(const std::string& hex) {
  const auto bytes = test::from_hex(hex);
  std::array<std::uint8_t, kKeyBytes> out{};
  std::copy(bytes.begin(), bytes.end(), out.begin());
  return out;
}

PublicKey pub(const nlohmann::json& text) { return public_key_from_text(text.get<std::string>()).value(); }
SecretKey sec(const nlohmann::json& text) { return secret_key_from_text(text.get<std::string>()).value(); }

KeyPair fresh_pair() {
  auto pair = keypair_generate();
  EXPECT_TRUE(pair.ok());
  return pair.value();
}

std::array<std::uint8_t, kKeyBytes> random_wrap_key() {
  auto pair = keypair_generate();  // 32 random bytes are all a wrap key is
  std::array<std::uint8_t, kKeyBytes> key{};
  std::copy(pair.value().secret_key.bytes.begin(), pair.value().secret_key.bytes.end(), key.begin());
  return key;
}

// Every character after the prefix replaced by another URL-safe base64 character.
std::vector<std::string> single_character_edits(const std::string& text, std::size_t prefix) {
  std::vector<std::string> out;
  for (std::size_t i = prefix; i < text.size(); ++i) {
    std::string edited = text;
    edited[i] = text[i] == 'A' ? 'B' : 'A';
    out.push_back(edited);
  }
  return out;
}

// --- error codes: names and numbers are API (JSON, JS errors, wasm return values) --

TEST(AccountErrorCodes, NamesAndNumbersAreStable) {
  const std::pair<ErrorCode, int> codes[] = {{ErrorCode::kdf_params_rejected, 60},
                                             {ErrorCode::key_unwrap_failed, 61},
                                             {ErrorCode::grant_open_failed, 62},
                                             {ErrorCode::key_mismatch, 63},
                                             {ErrorCode::password_too_weak, 64}};
  const char* names[] = {"kdf_params_rejected", "key_unwrap_failed", "grant_open_failed", "key_mismatch",
                         "password_too_weak"};
  for (std::size_t i = 0; i < std::size(codes); ++i) {
    EXPECT_EQ(int(codes[i].first), codes[i].second);
    EXPECT_STREQ(error_code_name(codes[i].first), names[i]);
  }
}

// --- KDF parameters ----------------------------------------------------------

TEST(KdfParams, PinnedRangeHoldsTheDefault) {
  EXPECT_TRUE(kdf_params_acceptable(kKdfMinParams).ok());
  EXPECT_TRUE(kdf_params_acceptable(kKdfDefaultParams).ok());
  EXPECT_TRUE(kdf_params_acceptable(kKdfMaxParams).ok());
  EXPECT_GE(kKdfDefaultParams.opslimit, kKdfMinParams.opslimit);
  EXPECT_GE(kKdfDefaultParams.memlimit, kKdfMinParams.memlimit);
  // The default measured in docs/benchmarks.md ("Sign-in key derivation"): change both together.
  EXPECT_EQ(kKdfDefaultParams.opslimit, 3u);
  EXPECT_EQ(kKdfDefaultParams.memlimit, 128 * kMiB);
  // Never below RFC 9106's second recommended setting.
  EXPECT_GE(kKdfMinParams.opslimit, 3u);
  EXPECT_GE(kKdfMinParams.memlimit, 64 * kMiB);
}

TEST(KdfParams, BelowTheMinimumRefused) {
  const KdfParams weak[] = {{kKdfMinParams.opslimit - 1, kKdfMinParams.memlimit},
                            {kKdfMinParams.opslimit, kKdfMinParams.memlimit - 1024},
                            {0, 0},
                            {1, 8 * 1024},
                            {2, 256 * kMiB}};  // a server may not trade passes for memory
  for (const KdfParams& p : weak) {
    SCOPED_TRACE(std::to_string(p.opslimit) + " / " + std::to_string(p.memlimit));
    Status s = kdf_params_acceptable(p);
    EXPECT_EQ(s.code(), ErrorCode::kdf_params_rejected);
    EXPECT_NE(s.message().find("below this client's minimum"), std::string::npos) << s.message();
  }
}

TEST(KdfParams, AboveTheMaximumRefused) {
  for (const KdfParams& p : {KdfParams{kKdfMaxParams.opslimit + 1, kKdfMinParams.memlimit},
                             KdfParams{kKdfMinParams.opslimit, kKdfMaxParams.memlimit + 1024},
                             KdfParams{~std::uint64_t(0), ~std::size_t(0)}}) {
    Status s = kdf_params_acceptable(p);
    EXPECT_EQ(s.code(), ErrorCode::kdf_params_rejected);
    EXPECT_NE(s.message().find("above this client's maximum"), std::string::npos) << s.message();
  }
}

TEST(KdfParams, MemoryNotInWholeKiBRefused) {
  Status s = kdf_params_acceptable({kKdfMinParams.opslimit, kKdfMinParams.memlimit + 1});
  EXPECT_EQ(s.code(), ErrorCode::kdf_params_rejected);
  EXPECT_NE(s.message().find("KiB"), std::string::npos) << s.message();
}

TEST(KdfParams, DerivationRefusesWeakParametersBeforeAnyWork) {
  auto salt = account_salt_generate();
  ASSERT_TRUE(salt.ok());
  auto keys = derive_account_keys("correct horse battery staple", salt.value(), {1, 8 * 1024});
  EXPECT_EQ(keys.code(), ErrorCode::kdf_params_rejected);
  keys = derive_account_keys("correct horse battery staple", salt.value(), {64, 4096 * kMiB});
  EXPECT_EQ(keys.code(), ErrorCode::kdf_params_rejected);
}

// --- salt --------------------------------------------------------------------

TEST(AccountSalt, RandomAndRoundTrips) {
  std::set<std::string> seen;
  for (int i = 0; i < 20; ++i) {
    auto salt = account_salt_generate();
    ASSERT_TRUE(salt.ok());
    const std::string text = account_salt_to_text(salt.value());
    EXPECT_EQ(text.size(), kAccountSaltTextLength);
    auto back = account_salt_from_text(text);
    ASSERT_TRUE(back.ok()) << back.message();
    EXPECT_EQ(back.value().bytes, salt.value().bytes);
    seen.insert(text);
  }
  EXPECT_EQ(seen.size(), 20u);
}

TEST(AccountSalt, MalformedTextRefused) {
  const std::string good = "c2VhbHNob3Qtc2FsdC0wMQ";
  ASSERT_TRUE(account_salt_from_text(good).ok());
  for (const std::string& bad : {std::string(), good.substr(1), good + "A", good + "==", good.substr(0, 21) + "R",
                                 std::string("c2VhbHNob3Qtc2FsdC0wM+"), " " + good}) {
    auto salt = account_salt_from_text(bad);
    EXPECT_EQ(salt.code(), ErrorCode::bad_key) << "'" << bad << "'";
  }
}

// --- derivation ----------------------------------------------------------------

TEST(DeriveAccountKeys, IndependentVectors) {
  for (const auto& v : vectors()["kdf"]) {
    SCOPED_TRACE(v["password"].get<std::string>());
    auto salt = account_salt_from_text(v["salt"].get<std::string>());
    ASSERT_TRUE(salt.ok());
    const KdfParams params{v["opslimit"].get<std::uint64_t>(), v["memlimit"].get<std::size_t>()};
    auto keys = derive_account_keys(v["password"].get<std::string>(), salt.value(), params);
    ASSERT_TRUE(keys.ok()) << keys.message();
    EXPECT_EQ(test::to_hex(keys.value().auth_key), v["auth_key"].get<std::string>());
    EXPECT_EQ(test::to_hex(keys.value().wrap_key), v["wrap_key"].get<std::string>());
    EXPECT_EQ(auth_key_to_text(keys.value()), v["auth_key_text"].get<std::string>());
  }
}

TEST(DeriveAccountKeys, SaltAndPasswordBothMatter) {
  const auto& v = vectors()["kdf"][0];
  const KdfParams params{v["opslimit"].get<std::uint64_t>(), v["memlimit"].get<std::size_t>()};
  auto other_salt = account_salt_from_text("MDEyMzQ1Njc4OWFiY2RlZg");
  auto keys = derive_account_keys(v["password"].get<std::string>(), other_salt.value(), params);
  ASSERT_TRUE(keys.ok());
  EXPECT_NE(test::to_hex(keys.value().auth_key), v["auth_key"].get<std::string>());
  EXPECT_NE(keys.value().auth_key, keys.value().wrap_key);
  auto salt = account_salt_from_text(v["salt"].get<std::string>());
  auto other_password = derive_account_keys("correct horse battery stapler", salt.value(), params);
  ASSERT_TRUE(other_password.ok());
  EXPECT_NE(test::to_hex(other_password.value().wrap_key), v["wrap_key"].get<std::string>());
}

TEST(DeriveAccountKeys, EmptyOrOverlongPasswordRefused) {
  auto salt = account_salt_generate();
  auto empty = derive_account_keys("", salt.value(), kKdfMinParams);
  EXPECT_EQ(empty.code(), ErrorCode::invalid_argument);
  auto overlong = derive_account_keys(std::string(kMaxPasswordBytes + 1, 'x'), salt.value(), kKdfMinParams);
  EXPECT_EQ(overlong.code(), ErrorCode::invalid_argument);
  EXPECT_NE(overlong.message().find("1024"), std::string::npos);
}

// --- wrapped secret keys ---------------------------------------------------------

TEST(WrapSecretKey, RoundTripWithFreshNonces) {
  const KeyPair person = fresh_pair();
  const auto wrap_key = random_wrap_key();
  auto a = wrap_secret_key(person.secret_key, wrap_key);
  auto b = wrap_secret_key(person.secret_key, wrap_key);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a.value(), b.value());
  for (const std::string& text : {a.value(), b.value()}) {
    EXPECT_EQ(text.size(), kWrappedKeyTextLength);
    EXPECT_EQ(text.substr(0, 6), "sswk1.");
    auto back = unwrap_secret_key(text, wrap_key, person.public_key);
    ASSERT_TRUE(back.ok()) << back.message();
    EXPECT_EQ(back.value().bytes, person.secret_key.bytes);
  }
}

TEST(WrapSecretKey, PinnedVectorOpens) {
  const auto& v = vectors()["wrapped"];
  auto secret = unwrap_secret_key(v["text"].get<std::string>(), key32(v["wrap_key"]), pub(v["public_key"]));
  ASSERT_TRUE(secret.ok()) << secret.message();
  EXPECT_EQ(key_to_text(secret.value()), v["secret_key"].get<std::string>());
}

TEST(WrapSecretKey, WrongWrapKeyRefused) {
  const auto& v = vectors()["wrapped"];
  auto wrong = key32(v["wrap_key"]);
  wrong[0] ^= 1;
  auto secret = unwrap_secret_key(v["text"].get<std::string>(), wrong, pub(v["public_key"]));
  EXPECT_EQ(secret.code(), ErrorCode::key_unwrap_failed);
  EXPECT_NE(secret.message().find("password is wrong"), std::string::npos) << secret.message();
  // The wrap key of another password (the second KDF vector).
  secret =
      unwrap_secret_key(v["text"].get<std::string>(), key32(vectors()["kdf"][1]["wrap_key"]), pub(v["public_key"]));
  EXPECT_EQ(secret.code(), ErrorCode::key_unwrap_failed);
}

TEST(WrapSecretKey, EveryTamperedCharacterRefused) {
  const auto& v = vectors()["wrapped"];
  const std::string text = v["text"].get<std::string>();
  for (const std::string& edited : single_character_edits(text, kWrappedKeyPrefix.size())) {
    auto secret = unwrap_secret_key(edited, key32(v["wrap_key"]), pub(v["public_key"]));
    ASSERT_FALSE(secret.ok()) << edited;
    // The last character also carries padding bits: a change there may make the text non-canonical.
    if (edited.back() == text.back()) {
      EXPECT_EQ(secret.code(), ErrorCode::key_unwrap_failed) << edited;
    }
  }
}

TEST(WrapSecretKey, SecretOfAnotherPublicKeyRefused) {
  const auto& v = vectors()["wrapped"];
  const KeyPair other = fresh_pair();
  auto secret = unwrap_secret_key(v["text"].get<std::string>(), key32(v["wrap_key"]), other.public_key);
  EXPECT_EQ(secret.code(), ErrorCode::key_mismatch);
  EXPECT_NE(secret.message().find("does not belong to the expected public key"), std::string::npos);
}

TEST(WrapSecretKey, MalformedTextRefused) {
  const auto& v = vectors()["wrapped"];
  const std::string text = v["text"].get<std::string>();
  const std::string body = text.substr(kWrappedKeyPrefix.size());
  for (const std::string& bad :
       {std::string(), std::string("sswk1."), body, "sswk2." + body, "SSWK1." + body, text.substr(0, text.size() - 1),
        text + "A", text + "\n", " " + text, text.substr(0, 20) + "+" + text.substr(21),
        vectors()["grant"]["text"].get<std::string>()}) {
    auto secret = unwrap_secret_key(bad, key32(v["wrap_key"]), pub(v["public_key"]));
    EXPECT_EQ(secret.code(), ErrorCode::bad_key) << "'" << bad << "': " << secret.message();
  }
}

// --- project key grants ------------------------------------------------------------

TEST(Grant, RoundTrip) {
  const KeyPair project = fresh_pair();
  const KeyPair person = fresh_pair();
  auto grant = seal_grant(project.secret_key, person.public_key);
  ASSERT_TRUE(grant.ok()) << grant.message();
  EXPECT_EQ(grant.value().size(), kGrantTextLength);
  EXPECT_EQ(grant.value().substr(0, 6), "ssgr1.");
  auto secret = open_grant(grant.value(), person, project.public_key);
  ASSERT_TRUE(secret.ok()) << secret.message();
  EXPECT_EQ(secret.value().bytes, project.secret_key.bytes);
}

TEST(Grant, PinnedVectorOpens) {
  const auto& v = vectors()["grant"];
  const KeyPair person{pub(v["person_public_key"]), sec(v["person_secret_key"])};
  auto secret = open_grant(v["text"].get<std::string>(), person, pub(v["project_public_key"]));
  ASSERT_TRUE(secret.ok()) << secret.message();
  EXPECT_EQ(key_to_text(secret.value()), v["project_secret_key"].get<std::string>());
}

TEST(Grant, SubstitutedProjectKeyRefused) {
  // A malicious server hands out a grant of a key it controls (sealed to the
  // person's real public key) as the project's grant.
  const auto& v = vectors()["grant"];
  const KeyPair person{pub(v["person_public_key"]), sec(v["person_secret_key"])};
  const KeyPair servers_own = fresh_pair();
  auto substituted = seal_grant(servers_own.secret_key, person.public_key);
  ASSERT_TRUE(substituted.ok());
  auto secret = open_grant(substituted.value(), person, pub(v["project_public_key"]));
  EXPECT_EQ(secret.code(), ErrorCode::key_mismatch);
  // And a real grant of another project presented as this one.
  const KeyPair other_project = fresh_pair();
  auto other = open_grant(v["text"].get<std::string>(), person, other_project.public_key);
  EXPECT_EQ(other.code(), ErrorCode::key_mismatch);
}

TEST(Grant, SomeoneElsesGrantRefused) {
  const auto& v = vectors()["grant"];
  const KeyPair intruder = fresh_pair();
  auto secret = open_grant(v["text"].get<std::string>(), intruder, pub(v["project_public_key"]));
  EXPECT_EQ(secret.code(), ErrorCode::grant_open_failed);
  EXPECT_NE(secret.message().find("made for someone else"), std::string::npos) << secret.message();
}

TEST(Grant, EveryTamperedCharacterRefused) {
  const auto& v = vectors()["grant"];
  const KeyPair person{pub(v["person_public_key"]), sec(v["person_secret_key"])};
  const std::string text = v["text"].get<std::string>();
  for (const std::string& edited : single_character_edits(text, kGrantPrefix.size())) {
    auto secret = open_grant(edited, person, pub(v["project_public_key"]));
    ASSERT_FALSE(secret.ok()) << edited;
    if (edited.back() == text.back()) {
      EXPECT_EQ(secret.code(), ErrorCode::grant_open_failed) << edited;
    }
  }
}

TEST(Grant, MalformedTextRefused) {
  const auto& v = vectors()["grant"];
  const KeyPair person{pub(v["person_public_key"]), sec(v["person_secret_key"])};
  const std::string text = v["text"].get<std::string>();
  for (const std::string& bad :
       {std::string(), std::string("ssgr1."), "ssgr2." + text.substr(6), text.substr(6),
        text.substr(0, text.size() - 2), text + "AA", vectors()["wrapped"]["text"].get<std::string>()}) {
    auto secret = open_grant(bad, person, pub(v["project_public_key"]));
    EXPECT_EQ(secret.code(), ErrorCode::bad_key) << "'" << bad << "'";
  }
}

TEST(Grant, SealingToAnInvalidPublicKeyRefused) {
  const KeyPair project = fresh_pair();
  PublicKey zero;  // a low-order point: no shared secret
  auto grant = seal_grant(project.secret_key, zero);
  EXPECT_EQ(grant.code(), ErrorCode::bad_key);
}

// --- fingerprints -------------------------------------------------------------------

TEST(Fingerprint, IndependentVectors) {
  for (const auto& v : vectors()["fingerprints"]) {
    EXPECT_EQ(key_fingerprint(pub(v["public_key"])), v["fingerprint"].get<std::string>());
  }
}

TEST(Fingerprint, FormatAndDistinctness) {
  const std::regex format("^[0-9A-F]{4}( [0-9A-F]{4}){7}$");
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    const std::string fp = key_fingerprint(fresh_pair().public_key);
    EXPECT_EQ(fp.size(), kFingerprintTextLength);
    EXPECT_TRUE(std::regex_match(fp, format)) << fp;
    seen.insert(fp);
  }
  EXPECT_EQ(seen.size(), 50u);
  PublicKey a, b;
  b.bytes[31] = 1;  // one bit apart
  EXPECT_NE(key_fingerprint(a), key_fingerprint(b));
}

// --- password policy ------------------------------------------------------------------

TEST(PasswordPolicy, VectorsAcceptedAndRefused) {
  const auto& v = vectors()["passwords"];
  const std::string email = v["email"].get<std::string>();
  for (const auto& p : v["accepted"]) {
    Status s = password_check(p.get<std::string>(), email);
    EXPECT_TRUE(s.ok()) << p << ": " << s.message();
  }
  for (const auto& p : v["refused"]) {
    Status s = password_check(p.get<std::string>(), email);
    EXPECT_EQ(s.code(), ErrorCode::password_too_weak)
        << p << " accepted, effective length " << password_effective_length(p.get<std::string>(), email);
    EXPECT_FALSE(s.message().empty());
  }
}

TEST(PasswordPolicy, TooShortCountsCharactersNotBytes) {
  Status s = password_check("Xq7!vR2#", "");
  EXPECT_EQ(s.code(), ErrorCode::password_too_weak);
  EXPECT_NE(s.message().find("at least 12"), std::string::npos) << s.message();
  // 11 code points in 22 bytes: still too short.
  EXPECT_EQ(
      password_check("\xc3\xa4\xc3\xb6\xc3\xbc\xc3\x9f\xc3\xa9\xc3\xa8\xc3\xaa\xc3\xab\xc3\xae\xc3\xaf\xc3\xb4", "")
          .code(),
      ErrorCode::password_too_weak);
}

TEST(PasswordPolicy, RepeatsSequencesAndKeyboardWalksRefused) {
  for (const char* weak : {"zzzzzzzzzzzzzzzzzzzzzzzz", "zyxwvutsrqponmlkjihg", "98765432109876", "asdfghjklasdfghjkl",
                           "1qaz1qaz1qaz1qaz", "xyzxyzxyzxyzxyzxyz", "Aa1Aa1Aa1Aa1Aa1Aa1", "19871987-2024-2025",
                           "1q2w3e4r5t6y", "q1w2e3r4t5y6", "1qaz2wsx3edc", "zaq12wsxcde3", "y6t5r4e3w2q1"}) {
    Status s = password_check(weak, "");
    EXPECT_EQ(s.code(), ErrorCode::password_too_weak) << weak;
  }
  Status s = password_check("abcdefghijklmnopqrstuvwxyz", "");
  EXPECT_NE(s.message().find("keyboard patterns"), std::string::npos) << s.message();
}

TEST(PasswordPolicy, CommonWordsAndLeetSpellingsRefused) {
  for (const char* weak :
       {"Password12345", "p@$$w0rd!!!!!!", "Sunshine2024!!", "letmeinletmein", "iloveyou!!!!!", "DragonDragon123"}) {
    Status s = password_check(weak, "");
    EXPECT_EQ(s.code(), ErrorCode::password_too_weak) << weak;
    EXPECT_NE(s.message().find("common password word"), std::string::npos) << weak << ": " << s.message();
  }
}

TEST(PasswordPolicy, EmailNameRefused) {
  Status s = password_check("xx-Alice.Smith-xx-purple-otter", "alice.smith@example.com");
  EXPECT_EQ(s.code(), ErrorCode::password_too_weak);
  EXPECT_NE(s.message().find("email address"), std::string::npos) << s.message();
  // Pieces of the address count as one character each.
  s = password_check("smith-example-2024", "alice.smith@example.com");
  EXPECT_EQ(s.code(), ErrorCode::password_too_weak);
  EXPECT_NE(s.message().find("part of your email address"), std::string::npos) << s.message();
  // The same password is fine for someone else.
  EXPECT_TRUE(password_check("xx-Alice.Smith-xx-purple-otter", "bob@example.com").ok());
}

TEST(PasswordPolicy, LongPassphrasesWithCommonWordsAccepted) {
  // A known word inside a long, otherwise varied passphrase is not a refusal.
  EXPECT_TRUE(password_check("my summer in Lisbon was windy and blue", "").ok());
  EXPECT_TRUE(password_check("Tanzende Giraffen essen Pflaumen", "a@b.de").ok());
}

TEST(PasswordPolicy, InvalidTextRefused) {
  EXPECT_EQ(password_check("valid prefix \xff\xfe then junk", "").code(), ErrorCode::invalid_argument);
  EXPECT_EQ(password_check("overlong \xc0\xaf slash ok", "").code(), ErrorCode::invalid_argument);
  EXPECT_EQ(password_check("surrogate \xed\xa0\x80 inside text", "").code(), ErrorCode::invalid_argument);
  EXPECT_EQ(password_check("truncated at the end \xe2\x82", "").code(), ErrorCode::invalid_argument);
  Status s = password_check(std::string(kMaxPasswordBytes + 1, 'q'), "");
  EXPECT_EQ(s.code(), ErrorCode::invalid_argument);
  // At the limit, a varied password is fine.
  std::string varied;
  for (std::size_t i = 0; varied.size() < kMaxPasswordBytes; ++i) varied.push_back(char('a' + (i * 7) % 26));
  EXPECT_TRUE(password_check(varied, "").ok()) << password_check(varied, "").message();
}

}  // namespace
}  // namespace sealshot
