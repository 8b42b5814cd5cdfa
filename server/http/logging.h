// JSON log lines, one object per line, through spdlog (Debian's
// libspdlog-dev: sinks, levels, thread safety and flushing are its job; the
// line format is ours). Privacy rules for every line: no IP address (only
// client_tag(), a keyed hash), no Origin/Referer/User-Agent, no body bytes,
// no keys. Project ids and submission ids are fine.
#pragma once

#include <spdlog/common.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace spdlog {
class logger;
}

namespace sealshot::http {

class JsonLog {
 public:
  using Fields = nlohmann::ordered_json;

  // `sink` null: standard output. Level: debug, info, warn, error.
  JsonLog(const std::string& level, spdlog::sink_ptr sink = nullptr);

  void debug(std::string_view event, Fields fields = Fields::object()) {
    write(spdlog::level::debug, event, std::move(fields));
  }
  void info(std::string_view event, Fields fields = Fields::object()) {
    write(spdlog::level::info, event, std::move(fields));
  }
  void warn(std::string_view event, Fields fields = Fields::object()) {
    write(spdlog::level::warn, event, std::move(fields));
  }
  void error(std::string_view event, Fields fields = Fields::object()) {
    write(spdlog::level::err, event, std::move(fields));
  }
  void write(spdlog::level::level_enum level, std::string_view event, Fields fields);
  void flush();

 private:
  std::shared_ptr<spdlog::logger> logger_;
};

// A short keyed hash of a client address: lines from one client can be
// correlated within this process's lifetime, but the address cannot be
// recovered (the key is random per process, so even the 2^32 IPv4 space
// cannot be tried against it).
[[nodiscard]] std::string client_tag(const std::string& address);

}  // namespace sealshot::http
