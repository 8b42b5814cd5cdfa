// Helpers for the admin commands: where the data directory is, opening the
// storage, and turning projects and submissions into tables and JSON.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "storage/storage.h"

namespace sealshot::cli {

enum class DataDir { must_exist, create };

// Adds --data-dir (env SEALSHOT_DATA_DIR, default ./data) to a command.
void add_data_dir_option(CLI::App* command, std::string& data_dir);

// Opens the storage; with must_exist, a directory without sealshot.db is an
// error rather than silently becoming a new, empty installation.
std::unique_ptr<server::Storage> open_storage(const std::string& data_dir, DataDir mode);

std::string format_utc(std::int64_t ms);    // 2024-05-17T09:30:00Z
std::string format_bytes(std::uint64_t n);  // 1.2 MiB

nlohmann::json project_to_json(const server::Project& project);
nlohmann::json submission_to_json(const server::Submission& submission);

// Left-aligned columns separated by two spaces; the first row is the header.
void print_table(const std::vector<std::vector<std::string>>& rows);

}  // namespace sealshot::cli
