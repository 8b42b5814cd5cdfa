#include "http/logging.h"

#include <sodium.h>
#include <spdlog/logger.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <array>

#include "keys.h"

namespace sealshot::http {

JsonLog::JsonLog(const std::string& level, spdlog::sink_ptr sink) {
  if (!sink) sink = std::make_shared<spdlog::sinks::stdout_sink_mt>();
  logger_ = std::make_shared<spdlog::logger>("sealshot", std::move(sink));
  // time and level come from spdlog; %v is the rest of the object.
  logger_->set_formatter(std::make_unique<spdlog::pattern_formatter>(
      R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l",%v})", spdlog::pattern_time_type::utc));
  logger_->set_level(spdlog::level::from_str(level == "warn" ? "warning" : level));
  logger_->flush_on(spdlog::level::info);  // a log line is worth a write(); lines are few per request
}

void JsonLog::write(spdlog::level::level_enum level, std::string_view event, Fields fields) {
  if (!logger_->should_log(level)) return;
  Fields line = Fields::object();
  line["event"] = event;
  for (auto& [key, value] : fields.items()) line[key] = std::move(value);
  std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  // Strip the outer braces: the pattern supplies them around time and level.
  logger_->log(level, spdlog::string_view_t(text.data() + 1, text.size() - 2));
}

void JsonLog::flush() { logger_->flush(); }

std::string client_tag(const std::string& address) {
  static const std::array<unsigned char, crypto_generichash_KEYBYTES> key = [] {
    std::array<unsigned char, crypto_generichash_KEYBYTES> k{};
    (void)crypto_init();
    randombytes_buf(k.data(), k.size());
    return k;
  }();
  unsigned char hash[8];
  crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(address.data()), address.size(),
                     key.data(), key.size());
  char hex[2 * sizeof hash + 1];
  sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
  return hex;
}

}  // namespace sealshot::http
