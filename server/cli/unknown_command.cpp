#include "unknown_command.h"

#include <algorithm>
#include <vector>

namespace sealshot::cli {

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

std::string unknown_command_sentence(CLI::App& app, int argc, const char* const* argv) {
  CLI::App* current = &app;
  std::string path = "sealshot";
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    if (word.empty() || word.front() == '-') return "";
    const std::vector<CLI::App*> commands = current->get_subcommands([](CLI::App*) { return true; });
    if (commands.empty()) return "";  // a leaf command: the rest are its arguments
    const auto found = std::find_if(commands.begin(), commands.end(), [&](CLI::App* c) { return c->check_name(word); });
    if (found != commands.end()) {
      current = *found;
      path += " " + word;
      continue;
    }
    // The nearest name; a unique prefix counts as near too ("sub" → submissions).
    std::string nearest;
    std::size_t best = std::max<std::size_t>(2, word.size() / 3) + 1;
    std::vector<std::string> names;
    for (CLI::App* c : commands) {
      const std::string& name = c->get_name();
      names.push_back(name);
      const std::size_t distance = name.rfind(word, 0) == 0 ? 1 : edit_distance(word, name);
      if (distance < best) {
        best = distance;
        nearest = name;
      }
    }
    std::string sentence = "'" + word + "' is not a `" + path + "` command";
    if (!nearest.empty()) return sentence + "; did you mean '" + nearest + "'?";
    std::sort(names.begin(), names.end());
    sentence += "; the commands are";
    for (std::size_t n = 0; n < names.size(); ++n) sentence += (n ? ", " : " ") + names[n];
    return sentence;
  }
  return "";
}

}  // namespace sealshot::cli
