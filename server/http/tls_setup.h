// TLS for sealshot-server: the certificate to serve (the operator's, or a
// self-signed one for localhost generated once into the data directory) and
// the SSL_CTX settings (TLS 1.2 minimum, AEAD suites only, no compression,
// no renegotiation).
#pragma once

#include <openssl/ssl.h>

#include <cstddef>
#include <string>

#include "result.h"

namespace sealshot::http {

class JsonLog;

// The TLS 1.2 suites offered (OpenSSL names): Mozilla's "intermediate" set
// without the DHE ones, ECDSA and RSA variants for either kind of key.
inline constexpr const char* kTls12CipherSuites =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

// OpenSSL's read buffer per connection, read ahead into: four full records
// (16 KiB of data each, plus their headers and tags).
inline constexpr std::size_t kTlsReadBufferBytes = 4 * (16384 + 512);

struct TlsFiles {
  std::string cert_path;
  std::string key_path;
};

// Without configured files: data_dir/tls/localhost.{crt,key}, generated on
// first start (EC P-256, SAN DNS:localhost, IP:127.0.0.1, IP:::1; the key
// file mode 0600) and reused afterwards. Logs which it did, with the
// certificate's SHA-256 fingerprint.
[[nodiscard]] Result<TlsFiles> tls_prepare_files(const std::string& configured_cert, const std::string& configured_key,
                                                 const std::string& data_dir, JsonLog& log);

[[nodiscard]] Status tls_generate_self_signed(const std::string& cert_path, const std::string& key_path);

// Called from cpp-httplib's SSL_CTX callback. False (with a log line) if the
// files do not load or do not match.
[[nodiscard]] bool tls_configure_context(SSL_CTX& ctx, const TlsFiles& files, JsonLog& log);

[[nodiscard]] std::string tls_certificate_fingerprint(const std::string& cert_path);  // "AB:CD:…", empty on error

}  // namespace sealshot::http
