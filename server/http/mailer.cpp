#include "http/mailer.h"

#include <curl/curl.h>
#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <ctime>

namespace sealshot::http {
namespace {

bool is_ascii(const std::string& text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// Header text with CR and LF removed (no header injection), and RFC 2047
// encoded when it is not plain ASCII (an organisation's name may be "Café").
std::string header_text(std::string text) {
  std::erase_if(text, [](char c) { return c == '\r' || c == '\n'; });
  if (is_ascii(text)) return text;
  std::string b64(sodium_base64_ENCODED_LEN(text.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(b64.data(), b64.size(), reinterpret_cast<const unsigned char*>(text.data()), text.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  b64.resize(std::strlen(b64.c_str()));
  return "=?UTF-8?B?" + b64 + "?=";
}

std::string rfc5322_date(std::int64_t now_ms) {
  const std::time_t seconds = std::time_t(now_ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];
  std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S +0000", &utc);
  return text;
}

std::string message_id(const std::string& from) {
  unsigned char random[16];
  randombytes_buf(random, sizeof random);
  char hex[33];
  sodium_bin2hex(hex, sizeof hex, random, sizeof random);
  const std::size_t at = from.find('@');
  return "<" + std::string(hex) + (at == std::string::npos ? "@sealshot" : from.substr(at)) + ">";
}

// Body lines end in CRLF, as SMTP wants; libcurl escapes lines starting with '.'.
std::string crlf(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\r') continue;
    if (c == '\n') out += '\r';
    out += c;
  }
  if (out.size() < 2 || out.compare(out.size() - 2, 2, "\r\n") != 0) out += "\r\n";
  return out;
}

struct Upload {
  const std::string* data;
  std::size_t offset = 0;
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  const std::size_t n = std::min(size * count, upload->data->size() - upload->offset);
  std::memcpy(buffer, upload->data->data() + upload->offset, n);
  upload->offset += n;
  return n;
}

}  // namespace

std::string mail_message(const SmtpSettings& settings, const Mail& mail, std::int64_t now_ms) {
  std::string m;
  m += "Date: " + rfc5322_date(now_ms) + "\r\n";
  m += "From: Sealshot <" + header_text(settings.from) + ">\r\n";
  m += "To: <" + header_text(mail.to) + ">\r\n";
  m += "Subject: " + header_text(mail.subject) + "\r\n";
  m += "Message-ID: " + message_id(settings.from) + "\r\n";
  m += "MIME-Version: 1.0\r\n";
  m += "Content-Type: text/plain; charset=utf-8\r\n";
  m += "Content-Transfer-Encoding: 8bit\r\n";
  m += "Auto-Submitted: auto-generated\r\n";
  m += "\r\n";
  m += crlf(mail.body);
  return m;
}

Mailer::Mailer(SmtpSettings settings, JsonLog& log) : settings_(std::move(settings)), log_(log) {
  if (!enabled()) return;
  static std::once_flag curl_ready;  // curl_global_init is not thread-safe: once, before any thread uses curl
  std::call_once(curl_ready, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  thread_ = std::thread([this] { run(); });
}

Mailer::~Mailer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::string Mailer::link_url(const std::string& token) const {
  std::string base = settings_.public_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/console/link#" + token;
}

void Mailer::send(Mail mail) {
  if (!enabled()) return;
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(mail));
  }
  wake_.notify_one();
}

void Mailer::run() {
  for (;;) {
    Mail mail;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, nothing left
      mail = std::move(queue_.front());
      queue_.pop_front();
    }
    bool sent = false;
    for (int attempt = 0; attempt < 3 && !sent; ++attempt) {
      if (attempt > 0) {
        std::unique_lock lock(mutex_);
        if (wake_.wait_for(lock, std::chrono::seconds(2 * attempt), [this] { return stopping_; })) break;
      }
      sent = deliver(mail);
    }
    if (sent) {
      log_.info("mail_sent");
    } else {
      log_.error("mail_failed", {{"hint", "check --smtp-url and the relay's logs"}});
    }
  }
}

bool Mailer::deliver(const Mail& mail) {
  CURL* curl = curl_easy_init();
  if (!curl) return false;
  const std::string message = mail_message(
      settings_, mail,
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
  Upload upload{&message};
  const std::string from = "<" + settings_.from + ">";
  const std::string to = "<" + mail.to + ">";
  curl_slist* recipients = curl_slist_append(nullptr, to.c_str());
  curl_easy_setopt(curl, CURLOPT_URL, settings_.url.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, recipients);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_upload);
  curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, long(settings_.timeout_seconds));
  // smtp:// must upgrade with STARTTLS unless the operator allowed plain
  // text (a relay on this machine); smtps:// is TLS from the start.
  curl_easy_setopt(curl, CURLOPT_USE_SSL, settings_.allow_plaintext ? long(CURLUSESSL_NONE) : long(CURLUSESSL_ALL));
  if (!settings_.username.empty()) {
    curl_easy_setopt(curl, CURLOPT_USERNAME, settings_.username.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, settings_.password.c_str());
  }
  const CURLcode result = curl_easy_perform(curl);
  curl_slist_free_all(recipients);
  curl_easy_cleanup(curl);
  if (result != CURLE_OK) log_.warn("mail_attempt_failed", {{"error", curl_easy_strerror(result)}});
  return result == CURLE_OK;
}

}  // namespace sealshot::http
