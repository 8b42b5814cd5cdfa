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
// Refuses it as root on a data directory another user owns.
std::unique_ptr<server::Storage> open_storage(const std::string& data_dir, DataDir mode);

// Root would make files there (the database's journal and shared memory, new
// segments) that the service's own user cannot open, and the server would
// fail at its next start. So as root, a data directory another user owns is
// refused with a sentence that says how to run the command instead. Checked
// on the database when there is one (its folder may be root's), else on the
// folder; nothing when the folder does not exist yet.
void refuse_other_owner_as_root(const std::string& data_dir);

std::string format_utc(std::int64_t ms);    // 2024-05-17T09:30:00Z
std::string format_bytes(std::uint64_t n);  // 1.2 MiB

nlohmann::json project_to_json(const server::Project& project);
nlohmann::json submission_to_json(const server::Submission& submission);

// Left-aligned columns separated by two spaces; the first row is the header.
void print_table(const std::vector<std::vector<std::string>>& rows);

}  // namespace sealshot::cli
