// Mail for invitations and password resets, through the operator's SMTP
// relay (libcurl's SMTP client: STARTTLS or implicit TLS, optional login).
// Sending happens on one background thread, so a slow relay never holds a
// request; each message is tried three times. The link a mail carries is
// also shown to whoever asked for it where that is safe (an invitation's
// inviter), so a lost mail loses nothing.
//
// Logs name the event and the relay's error only: never an address, a
// subject or a link (docs/security.md).
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "http/logging.h"

namespace sealshot::http {

struct SmtpSettings {
  std::string url;   // smtp://host[:port] (STARTTLS) or smtps://host[:port]; empty: no mail
  std::string from;  // the sender address
  std::string username;
  std::string password;          // read from --smtp-password-file, never a flag
  bool allow_plaintext = false;  // smtp:// without STARTTLS (a relay on this machine only)
  std::string public_url;        // where people reach this server, for links: https://reviews.example
  int timeout_seconds = 30;
};

struct Mail {
  std::string to;  // one normalised address (email_normalize)
  std::string subject;
  std::string body;  // plain text, UTF-8
};

// The RFC 5322 message as sent (headers + body); exposed for tests.
[[nodiscard]] std::string mail_message(const SmtpSettings& settings, const Mail& mail, std::int64_t now_ms);

class Mailer {
 public:
  Mailer(SmtpSettings settings, JsonLog& log);
  ~Mailer();  // sends what is queued (bounded by the timeout), then stops
  Mailer(const Mailer&) = delete;
  Mailer& operator=(const Mailer&) = delete;

  [[nodiscard]] bool enabled() const { return !settings_.url.empty(); }
  [[nodiscard]] const SmtpSettings& settings() const { return settings_; }
  // The console URL of a single-use link token (fragment: never sent to a server).
  [[nodiscard]] std::string link_url(const std::string& token) const;
  void send(Mail mail);  // queued; no-op when not enabled

 private:
  void run();
  [[nodiscard]] bool deliver(const Mail& mail);

  const SmtpSettings settings_;
  JsonLog& log_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Mail> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace sealshot::http
