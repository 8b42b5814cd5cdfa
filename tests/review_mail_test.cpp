// Invitations and password resets by mail, through a real SMTP exchange:
// the server's libcurl client delivers to Debian's aiosmtpd, run as a local
// sink that writes each message to a maildir. Also the reset link's second
// factor, and that logs hold no address or link.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "http/totp.h"
#include "server_support/review_fixture.h"

namespace sealshot::http {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

json body_of(const httplib::Result& res) { return json::parse(res->body, nullptr, false); }

// A port nothing listens on now: bound to port 0, read back, closed.
int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    close(fd);
    return 0;
  }
  close(fd);
  return ntohs(address.sin_port);
}

class ReviewMailTest : public ReviewTest {
 protected:
  void SetUp() override {
    ReviewTest::SetUp();
    mailbox_ = dir_ + "-mailbox";
    const int port = free_port();
    smtp_pid_ = fork();
    if (smtp_pid_ == 0) {
      const std::string listen = "127.0.0.1:" + std::to_string(port);
      // Debian's interpreter: the aiosmtpd package installs for it.
      execl("/usr/bin/python3", "python3", "-m", "aiosmtpd", "-n", "-l", listen.c_str(), "-c",
            "aiosmtpd.handlers.Mailbox", mailbox_.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    ASSERT_GT(smtp_pid_, 0);
    // Ready when it accepts a connection (a few hundred ms).
    bool ready = false;
    for (int i = 0; i < 100 && !ready; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      httplib::Client probe("127.0.0.1", port);
      probe.set_connection_timeout(0, 200'000);
      ready = probe.Get("/").error() != httplib::Error::Connection;
    }
    ASSERT_TRUE(ready) << "aiosmtpd did not start (is python3-aiosmtpd installed? scripts/setup installs it)";
    config_.smtp.url = "smtp://127.0.0.1:" + std::to_string(port);
    config_.smtp.from = "reviews@sealshot.example";
    config_.smtp.allow_plaintext = true;  // the sink has no TLS
    config_.smtp.public_url = "https://reviews.example";
  }

  void TearDown() override {
    ReviewTest::TearDown();
    if (smtp_pid_ > 0) {
      kill(smtp_pid_, SIGTERM);
      waitpid(smtp_pid_, nullptr, 0);
    }
    std::error_code ignored;
    fs::remove_all(mailbox_, ignored);
  }

  // Every message delivered so far, as text.
  std::vector<std::string> messages() const {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(mailbox_ + "/new", ec)) out.push_back(file_text(entry.path()));
    return out;
  }

  // Waits (at most 10 s) for a message to `to` and returns it.
  std::string wait_for_mail_to(const std::string& to) const {
    for (int i = 0; i < 200; ++i) {
      for (const std::string& m : messages()) {
        if (m.find("To: <" + to + ">") != std::string::npos) return m;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return "";
  }

  static std::string link_token_in(const std::string& mail) {
    const std::string prefix = "https://reviews.example/console/link#";
    const std::size_t at = mail.find(prefix);
    if (at == std::string::npos) return "";
    return mail.substr(at + prefix.size(), 43);
  }

  std::string mailbox_;
  pid_t smtp_pid_ = -1;
};

TEST_F(ReviewMailTest, InvitationsAndResetLinksArriveByMail) {
  start();
  auto [org, owner] = create_org("Café Acme", "owner@acme.example");

  // An invitation: mailed, and still shown once to the inviter.
  auto invited = send("POST", "/v1/orgs/" + org.id + "/invitations",
                      json{{"email", "New.Person@Acme.example"}, {"role", "member"}}.dump(), owner.cookie);
  ASSERT_EQ(invited->status, 201) << invited->body;
  EXPECT_EQ(body_of(invited)["mailed"], true);
  const std::string invitation = wait_for_mail_to("new.person@acme.example");
  ASSERT_FALSE(invitation.empty()) << "no invitation mail";
  EXPECT_NE(invitation.find("Subject: =?UTF-8?B?"), std::string::npos) << invitation;  // "Café" encoded
  EXPECT_NE(invitation.find("From: Sealshot <reviews@sealshot.example>"), std::string::npos);
  const std::string token = link_token_in(invitation);
  EXPECT_EQ(token, body_of(invited)["token"]);
  auto shown = send("GET", "/v1/links/" + token, "", "");
  ASSERT_EQ(shown->status, 200) << shown->body;
  EXPECT_EQ(body_of(shown)["kind"], "invite");

  // "Forgot password": the same answer for an account and for no account;
  // only the account gets a mail.
  auto asked = send("POST", "/v1/auth/reset", json{{"email", "owner@acme.example"}}.dump(), "");
  auto nobody = send("POST", "/v1/auth/reset", json{{"email", "nobody@acme.example"}}.dump(), "");
  ASSERT_EQ(asked->status, 202) << asked->body;
  EXPECT_EQ(nobody->status, 202);
  EXPECT_EQ(asked->body, nobody->body);
  EXPECT_EQ(send("POST", "/v1/auth/reset", json{{"email", "owner@acme.example"}}.dump(), "", false)->status, 403);
  const std::string reset = wait_for_mail_to("owner@acme.example");
  ASSERT_FALSE(reset.empty()) << "no reset mail";
  const std::string reset_token = link_token_in(reset);
  auto reset_link = body_of(send("GET", "/v1/links/" + reset_token, "", ""));
  EXPECT_EQ(reset_link["kind"], "reset");
  EXPECT_EQ(reset_link["expires_at_ms"], now_ms_.load() + 30 * 60'000);
  // Mails leave in order and nobody's request came after the owner's: had it
  // made one, it would be here by now (give it half a second more).
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(messages().size(), 2u);
  for (const std::string& m : messages()) EXPECT_EQ(m.find("nobody@acme.example"), std::string::npos);

  // The link replaces the keys once.
  Reviewer renewed = owner;
  renewed.auth_key.assign(32, 9);
  auto accepted = send("POST", "/v1/links/" + reset_token + "/accept", new_account_body(renewed).dump(), "");
  ASSERT_EQ(accepted->status, 200) << accepted->body;
  EXPECT_EQ(send("POST", "/v1/links/" + reset_token + "/accept", new_account_body(renewed).dump(), "")->status, 410);

  // Logs name the events, never an address or a link.
  const std::string logs = log_lines_.str();
  EXPECT_NE(logs.find("mail_sent"), std::string::npos);
  for (const std::string& secret :
       {std::string("new.person@acme.example"), std::string("owner@acme.example"), token, reset_token}) {
    EXPECT_EQ(logs.find(secret), std::string::npos) << secret << " in the logs";
  }
}

TEST_F(ReviewMailTest, AResetLinkAloneDoesNotPassTheSecondFactor) {
  start();
  auto [org, owner] = create_org("Acme", "owner@acme.example");
  ASSERT_EQ(send("POST", "/v1/me/mfa/setup", "", owner.cookie)->status, 200);
  const std::vector<std::uint8_t> secret = accounts().get_mfa(owner.id).value().secret;
  ASSERT_EQ(
      send("POST", "/v1/me/mfa/enable", json{{"code", totp_code(secret, now_ms_ / kTotpStepMs)}}.dump(), owner.cookie)
          ->status,
      200);
  now_ms_ += kTotpStepMs;
  ASSERT_EQ(send("POST", "/v1/auth/reset", json{{"email", owner.email}}.dump(), "")->status, 202);
  const std::string reset_token = link_token_in(wait_for_mail_to(owner.email));
  ASSERT_FALSE(reset_token.empty());
  Reviewer renewed = owner;
  renewed.auth_key.assign(32, 5);
  json body = new_account_body(renewed);
  auto without = send("POST", "/v1/links/" + reset_token + "/accept", body.dump(), "");
  EXPECT_EQ(without->status, 401);
  EXPECT_EQ(error_of(without->body), "mfa_required");
  body["mfa_code"] = totp_code(secret, now_ms_ / kTotpStepMs);
  auto with = send("POST", "/v1/links/" + reset_token + "/accept", body.dump(), "");
  EXPECT_EQ(with->status, 200) << with->body;
}

class ReviewWithoutMailTest : public ReviewTest {};

TEST_F(ReviewWithoutMailTest, AResetRequestSaysTheServerCannotSendMail) {
  start();
  auto res = send("POST", "/v1/auth/reset", json{{"email", "owner@acme.example"}}.dump(), "");
  EXPECT_EQ(res->status, 503);
  EXPECT_EQ(error_of(res->body), "mail_not_configured");
}

}  // namespace
}  // namespace sealshot::http
