#include "http/tls_setup.h"

#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>

#include "http/logging.h"

namespace sealshot::http {
namespace {

template <auto Free>
struct Deleter {
  template <class T>
  void operator()(T* p) const {
    Free(p);
  }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BN_free>>;

std::string openssl_error() {
  const unsigned long code = ERR_get_error();
  if (code == 0) return "unknown OpenSSL error";
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  ERR_clear_error();
  return text;
}

bool add_extension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  ExtPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
  return ext && X509_add_ext(cert, ext.get(), -1) == 1;
}

// Writes through a temporary file, fsyncs and renames, so a crash never
// leaves half a key; the key's file is created 0600 before any byte lands.
template <class WriteFn>
Status write_pem_file(const std::string& path, mode_t mode, WriteFn write) {
  const std::string temp = path + ".tmp";
  ::unlink(temp.c_str());
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return {ErrorCode::storage_error, "Cannot create " + temp + "."};
  FILE* file = ::fdopen(fd, "w");
  if (file == nullptr) {
    ::close(fd);
    return {ErrorCode::storage_error, "Cannot open " + temp + "."};
  }
  const bool written = write(file) && std::fflush(file) == 0 && ::fsync(fd) == 0;
  std::fclose(file);
  if (!written || std::rename(temp.c_str(), path.c_str()) != 0) {
    ::unlink(temp.c_str());
    return {ErrorCode::storage_error, "Cannot write " + path + "."};
  }
  return {};
}

}  // namespace

Status tls_generate_self_signed(const std::string& cert_path, const std::string& key_path) {
  PkeyPtr key(EVP_EC_gen("P-256"));
  if (!key) return {ErrorCode::encode_failed, "EC key generation failed: " + openssl_error()};

  X509Ptr cert(X509_new());
  BnPtr serial(BN_new());
  if (!cert || !serial || BN_rand(serial.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
      !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get()))) {
    return {ErrorCode::encode_failed, "Certificate setup failed: " + openssl_error()};
  }
  X509_set_version(cert.get(), 2);                                    // v3, for extensions
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);            // tolerate small clock skew
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 825L * 24 * 3600);  // Apple's cap for TLS server certs
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("Sealshot (self-signed)"),
                             -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509_set_pubkey(cert.get(), key.get());
  if (!add_extension(cert.get(), NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1") ||
      !add_extension(cert.get(), NID_basic_constraints, "critical,CA:FALSE") ||
      !add_extension(cert.get(), NID_key_usage, "critical,digitalSignature") ||
      !add_extension(cert.get(), NID_ext_key_usage, "serverAuth") ||
      !add_extension(cert.get(), NID_subject_key_identifier, "hash") ||
      X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) {
    return {ErrorCode::encode_failed, "Certificate signing failed: " + openssl_error()};
  }

  Status key_written = write_pem_file(key_path, 0600, [&](FILE* f) {
    return PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1;
  });
  if (!key_written.ok()) return key_written;
  return write_pem_file(cert_path, 0644, [&](FILE* f) { return PEM_write_X509(f, cert.get()) == 1; });
}

std::string tls_certificate_fingerprint(const std::string& cert_path) {
  FILE* file = std::fopen(cert_path.c_str(), "r");
  if (file == nullptr) return {};
  X509Ptr cert(PEM_read_X509(file, nullptr, nullptr, nullptr));
  std::fclose(file);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (!cert || X509_digest(cert.get(), EVP_sha256(), digest, &length) != 1) return {};
  std::string out;
  char byte[4];
  for (unsigned int i = 0; i < length; ++i) {
    std::snprintf(byte, sizeof byte, i ? ":%02X" : "%02X", digest[i]);
    out += byte;
  }
  return out;
}

Result<TlsFiles> tls_prepare_files(const std::string& configured_cert, const std::string& configured_key,
                                   const std::string& data_dir, JsonLog& log) {
  if (!configured_cert.empty()) {
    log.info("tls_certificate", {{"source", "configured"},
                                 {"cert", configured_cert},
                                 {"sha256", tls_certificate_fingerprint(configured_cert)}});
    return TlsFiles{configured_cert, configured_key};
  }
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(data_dir) / "tls";
  TlsFiles files{(dir / "localhost.crt").string(), (dir / "localhost.key").string()};
  std::error_code ec;
  if (fs::exists(files.cert_path, ec) && fs::exists(files.key_path, ec)) {
    log.info("tls_certificate", {{"source", "self_signed_reused"},
                                 {"cert", files.cert_path},
                                 {"sha256", tls_certificate_fingerprint(files.cert_path)}});
    return files;
  }
  fs::create_directories(dir, ec);
  if (ec) return Status(ErrorCode::storage_error, "Cannot create " + dir.string() + ": " + ec.message());
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  Status generated = tls_generate_self_signed(files.cert_path, files.key_path);
  if (!generated.ok()) return generated;
  log.warn("tls_certificate",
           {{"source", "self_signed_generated"},
            {"cert", files.cert_path},
            {"sha256", tls_certificate_fingerprint(files.cert_path)},
            {"note", "browsers will not trust it: configure --tls-cert/--tls-key for anything but local use"}});
  return files;
}

bool tls_configure_context(SSL_CTX& ctx, const TlsFiles& files, JsonLog& log) {
  // TLS 1.0/1.1 are deprecated (RFC 8996); cpp-httplib's callback
  // constructor starts from TLS_method() with no minimum of its own.
  SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
  // Mozilla's "intermediate" TLS 1.2 suites, restricted to ECDHE: forward
  // secret AEAD only. The CBC suites OpenSSL also offers by default are the
  // MAC-then-encrypt construction of the Lucky Thirteen timing attacks.
  // Clients choose among these (no server preference, as Mozilla
  // recommends: all are strong, and a phone without AES instructions
  // rightly prefers ChaCha20). TLS 1.3 keeps OpenSSL's suites, all AEAD.
  if (SSL_CTX_set_cipher_list(&ctx, kTls12CipherSuites) != 1) {
    log.error("tls_setup_failed", {{"reason", "cipher list: " + openssl_error()}});
    return false;
  }
  SSL_CTX_set_options(&ctx,
                      SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION);
  SSL_CTX_clear_options(&ctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
  // Read-ahead: one read from the socket takes in as many records as have
  // arrived and fit the buffer, instead of two reads (header, then body) per
  // 16 KiB record of an upload. Connection reads must then ask
  // SSL_has_pending, not SSL_pending (connection_server.cpp). The buffers
  // go back to the allocator whenever they are empty, so an idle keep-alive
  // connection holds none: 400 idle connections took 12 MiB with this, 16
  // MiB with OpenSSL's defaults and 24 MiB with the larger buffer kept
  // (docs/benchmarks.md); the CPU per report did not change measurably.
  SSL_CTX_set_read_ahead(&ctx, 1);
  SSL_CTX_set_default_read_buffer_len(&ctx, kTlsReadBufferBytes);
  SSL_CTX_set_mode(&ctx, SSL_MODE_RELEASE_BUFFERS);
  if (SSL_CTX_use_certificate_chain_file(&ctx, files.cert_path.c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(&ctx, files.key_path.c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(&ctx) != 1) {
    log.error("tls_setup_failed", {{"cert", files.cert_path}, {"reason", openssl_error()}});
    return false;
  }
  return true;
}

}  // namespace sealshot::http
