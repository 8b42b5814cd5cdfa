#include "admin_support.h"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <iostream>

#include "cli_error.h"

namespace sealshot::cli {

void add_data_dir_option(CLI::App* command, std::string& data_dir) {
  data_dir = "sealshot-data";  // the same default as sealshot-server
  command->add_option("--data-dir", data_dir, "Data directory (database and blobs)")
      ->envname("SEALSHOT_DATA_DIR")
      ->capture_default_str();
}

void refuse_other_owner_as_root(const std::string& data_dir) {
  if (::geteuid() != 0) return;  // anyone else cannot write another user's files at all
  struct stat st {};
  if (::stat((data_dir + "/sealshot.db").c_str(), &st) != 0 && ::stat(data_dir.c_str(), &st) != 0) return;
  if (st.st_uid == 0) return;
  const passwd* owner = ::getpwuid(st.st_uid);
  const std::string name = owner ? owner->pw_name : std::to_string(st.st_uid);
  throw CommandError(
      "The data in '" + data_dir + "' belongs to user '" + name +
      "' and root would leave files there that user cannot open: run the command as that user (sudo -u " + name +
      " sealshot …).");
}

std::unique_ptr<server::Storage> open_storage(const std::string& data_dir, DataDir mode) {
  struct stat st {};
  if (mode == DataDir::must_exist && ::stat((data_dir + "/sealshot.db").c_str(), &st) != 0) {
    throw CommandError("No Sealshot data in '" + data_dir + "' (pass --data-dir or set SEALSHOT_DATA_DIR).");
  }
  refuse_other_owner_as_root(data_dir);
  return take(server::open_sqlite_storage(data_dir));
}

std::string format_utc(std::int64_t ms) {
  const std::time_t seconds = std::time_t(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

std::string format_bytes(std::uint64_t n) {
  if (n < 1024) return std::to_string(n) + " B";
  const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
  double value = double(n);
  int unit = -1;
  while (value >= 1024 && unit < 3) {
    value /= 1024;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, "%.1f %s", value, units[unit]);
  return text;
}

nlohmann::json project_to_json(const server::Project& p) {
  return {{"id", p.id},
          {"name", p.name},
          {"public_key", p.public_key},
          {"allowed_origins", p.allowed_origins},
          {"max_body_bytes", p.max_body_bytes},
          {"retention_days", p.retention_days},
          // 0: the server's default (sealshot-server --quota-*)
          {"quotas",
           {{"daily_submissions", p.quotas.daily_submissions},
            {"daily_bytes", p.quotas.daily_bytes},
            {"stored_bytes", p.quotas.stored_bytes}}},
          {"created_at", format_utc(p.created_at_ms)},
          {"created_at_ms", p.created_at_ms}};
}

nlohmann::json submission_to_json(const server::Submission& s) {
  return {{"id", s.id},
          {"project", s.project_id},
          {"created_at", format_utc(s.created_at_ms)},
          {"created_at_ms", s.created_at_ms},
          {"size_bytes", s.size_bytes},
          {"status", server::submission_status_name(s.status)}};
}

void print_table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()));
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + 2, ' ');
    }
    std::cout << line << "\n";
  }
}

}  // namespace sealshot::cli
