// The review console's workspace: Dear ImGui on WebGL2 (GLFW + OpenGL3
// backends, Emscripten's built-in GLFW). This file only draws the model's
// state and turns input into model calls; everything else is the model
// (wasm/console/model/), tested natively.
//
// The sign-in page opens the person's keys with the account module, then
// calls console_start(me JSON, secret key bytes and length, view JSON) and
// console_set_font(bytes). Nothing here waits on the network: requests are
// fetch()es whose answers land through api.pump() at the start of a frame.
//
// Leaving (sign-out, or a 401 once the session expired): the app hands the
// page its view (organisation, project, report, filters) and the page tears
// the module down (console_shutdown, then its memory is zeroed) and shows
// the sign-in form; signing in again starts a fresh module at that view.
#include <GLES3/gl3.h>
#include <GLFW/glfw3.h>
#include <emscripten.h>
#include <emscripten/html5.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "fetch_http_client.h"
#include "imgui.h"
#include "imgui_impl_glfw.h"
#include "imgui_impl_opengl3.h"
#include "inbox_model.h"
#include "key_fingerprint.h"
#include "note_seal.h"
#include "notes_model.h"
#include "project_creation.h"
#include "report_loader.h"
#include "statuses.h"
#include "tags.h"
#include "team_model.h"

namespace {

using namespace sealshot;
using namespace sealshot::console;
using nlohmann::json;

// The test flag: a browser test sets globalThis.__sealshotConsoleTestHooks
// before the page loads (tests/browser/support/browser.mjs, consoleTestHooks);
// without it nothing below is published (no widget rectangles, no rows).
// EM_JS bodies are JavaScript: clang-format would break them ("=>" becomes "= >").
// clang-format off
EM_JS(int, console_test_hooks, (), { return globalThis.__sealshotConsoleTestHooks === true ? 1 : 0; });

// What the browser tests read (window.__sealshotConsole): state names, what
// is on screen and where its widgets are, never a key.
EM_JS(void, console_publish, (const char* json_text), {
  // Merged over what the sign-in page published (email, fingerprint), not
  // over the app's previous state: a key the app stops sending is gone.
  // (Object.assign: Emscripten 3.1.6's JS optimizer cannot parse object spread.)
  if (!Module.sealshotPageState) Module.sealshotPageState = globalThis.__sealshotConsole;
  globalThis.__sealshotConsole =
      Object.freeze(Object.assign({}, Module.sealshotPageState, JSON.parse(UTF8ToString(json_text))));
});

// The page takes over after this frame: sealshotLeave tears the module down.
EM_JS(void, console_leave, (const char* reason, const char* view_json), {
  const why = UTF8ToString(reason);
  const view = UTF8ToString(view_json);
  setTimeout(() => Module.sealshotLeave(why, view), 0);
});

// An HTML page shown over the workspace (two-factor sign-in): accessible
// forms for password managers and screen readers; this module keeps running.
EM_JS(void, console_show_page, (const char* name), {
  const page = UTF8ToString(name);
  setTimeout(() => Module.sealshotShowPage(page), 0);
});

// The SRI hash of /widget.js as this server serves it, for the embed
// snippet: hashed by the browser (SHA-384), kept on Module until read.
EM_JS(void, console_widget_integrity_start, (), {
  Module.sealshotWidgetIntegrity = null;
  fetch("/widget.js", { cache: "no-store" })
    .then((res) => res.ok ? res.arrayBuffer() : Promise.reject(new Error(String(res.status))))
    .then((bytes) => crypto.subtle.digest("SHA-384", bytes))
    .then((digest) => { Module.sealshotWidgetIntegrity = "sha384-" + btoa(String.fromCharCode(...new Uint8Array(digest))); })
    .catch(() => { Module.sealshotWidgetIntegrity = ""; });
});
// "" while unknown or not served; the caller frees the text.
EM_JS(char*, console_widget_integrity, (), {
  const t = Module.sealshotWidgetIntegrity;
  const text = t === null ? "?" : t;
  const size = lengthBytesUTF8(text) + 1;
  const ptr = _malloc(size);
  stringToUTF8(text, ptr, size);
  return ptr;
});
// Key confirmations (public keys only, KeyPins) per signed-in person.
EM_JS(char*, console_pins_load, (const char* person), {
  let t = "";
  try { t = localStorage.getItem("sealshot.pins." + UTF8ToString(person)) || ""; } catch (e) {}
  const size = lengthBytesUTF8(t) + 1;
  const ptr = _malloc(size);
  stringToUTF8(t, ptr, size);
  return ptr;
});
EM_JS(void, console_pins_save, (const char* person, const char* text), {
  try { localStorage.setItem("sealshot.pins." + UTF8ToString(person), UTF8ToString(text)); } catch (e) {}
});

EM_JS(char*, console_origin, (), {
  const size = lengthBytesUTF8(location.origin) + 1;
  const ptr = _malloc(size);
  stringToUTF8(location.origin, ptr, size);
  return ptr;
});

// A file saved by the browser (a Blob and a download link); the bytes are
// copied out of wasm memory and the object URL is revoked after the click.
EM_JS(void, console_download, (const char* name, const char* type, const unsigned char* data, int length), {
  const blob = new Blob([HEAPU8.slice(data, data + length)], { type: UTF8ToString(type) });
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = UTF8ToString(name);
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
});

// Emscripten 3.1.6's GLFW clipboard functions are empty stubs: copy goes to
// navigator.clipboard (a user gesture: ImGui copies on a key or click);
// paste reads what the last paste event carried (readText would prompt).
EM_JS(void, console_clipboard_write, (const char* text), {
  const t = UTF8ToString(text);
  Module.sealshotClipboard = t;
  if (navigator.clipboard) navigator.clipboard.writeText(t).catch(() => {});
});
EM_JS(char*, console_clipboard_read, (), {
  const t = Module.sealshotClipboard || "";
  const size = lengthBytesUTF8(t) + 1;
  const ptr = _malloc(size);
  stringToUTF8(t, ptr, size);
  return ptr;
});
EM_JS(void, console_clipboard_listen, (), {
  document.addEventListener("paste", (e) => {
    Module.sealshotClipboard = e.clipboardData ? e.clipboardData.getData("text/plain") : "";
  });
});
// A canvas is no input element: IME composition, dead keys and phone
// keyboards deliver text only to one. While an ImGui text field has the
// keyboard, a hidden <input> placed at its cursor takes the focus; what is
// typed or composed into it is handed to ImGui and the input cleared.
// Keydown still reaches Emscripten's GLFW (Backspace, arrows, Enter,
// shortcuts); its keypress (GLFW's character path) is stopped for the
// input, so each character arrives once.
EM_JS(void, console_text_input_setup, (), {
  const input = document.createElement("input");
  input.id = "sealshot-text-input";
  input.type = "text";
  input.autocomplete = "off";
  input.autocapitalize = "off";
  input.spellcheck = false;
  input.setAttribute("aria-label", "Text for the field being edited");
  document.body.append(input);
  Module.sealshotTyped = "";
  Module.sealshotKeypress = (e) => { if (e.target === input) e.stopImmediatePropagation(); };
  window.addEventListener("keypress", Module.sealshotKeypress, true);
  input.addEventListener("input", (e) => {
    if (e.isComposing) return;  // compositionend hands over the whole text
    Module.sealshotTyped += input.value;
    input.value = "";
  });
  input.addEventListener("compositionend", (e) => {
    Module.sealshotTyped += e.data || "";
    input.value = "";
  });
  Module.sealshotTextInput = input;
});
EM_JS(void, console_text_input_focus, (int want, double x, double y), {
  const input = Module.sealshotTextInput;
  if (!input) return;
  if (want) {
    input.style.left = x + "px";
    input.style.top = y + "px";
    if (document.activeElement !== input) input.focus({ preventScroll: true });
  } else if (document.activeElement === input) {
    Module.canvas.focus({ preventScroll: true });
  }
});
EM_JS(void, console_text_input_remove, (), {
  if (Module.sealshotKeypress) window.removeEventListener("keypress", Module.sealshotKeypress, true);
  if (Module.sealshotTextInput) Module.sealshotTextInput.remove();
  Module.sealshotTextInput = null;
  Module.sealshotTyped = "";
});
// What was typed since the last frame (the caller frees it).
EM_JS(char*, console_text_input_take, (), {
  const t = Module.sealshotTyped || "";
  Module.sealshotTyped = "";
  const size = lengthBytesUTF8(t) + 1;
  const ptr = _malloc(size);
  stringToUTF8(t, ptr, size);
  return ptr;
});

// Frame CPU times for scripts/bench-console, kept only when it asks.
EM_JS(void, console_frame_time, (double ms), {
  if (globalThis.__sealshotFrames) globalThis.__sealshotFrames.push(ms);
});
EM_JS(int, console_prefers_dark, (), { return matchMedia("(prefers-color-scheme: dark)").matches ? 1 : 0; });
// clang-format on

double now_ms() { return emscripten_get_now(); }

// A change the server refused because the session had ended: made again
// once the person signed in again.
struct PendingChange {
  // field: "status", "assignee", "tags" (value: the tags, comma-separated),
  // "note" (value: the note sealed to the project key: ciphertext only),
  // "bulk_status" (submission_id: the picked ids, comma-separated; value:
  // the status) or "bulk_delete" (the picked ids).
  std::string submission_id, field, value;
};

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find(',', start), text.size());
    if (end > start) out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string join_commas(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& i : items) out += (out.empty() ? "" : ",") + i;
  return out;
}

// Where the person was: kept across an expired session (not a key, not a
// comment: ids, filters, the search words, the theme and unsaved changes).
struct ViewState {
  std::string org_id, project_id, submission_id;
  SubmissionQuery filter;
  int since_days = 0;
  std::string tag;  // the inbox's tag filter
  std::string search;
  bool dark = true;
  std::vector<PendingChange> pending;

  json to_json() const {
    json j = {{"org", org_id},
              {"project", project_id},
              {"submission", submission_id},
              {"status", filter.status},
              {"since_days", since_days},
              {"tag", tag},
              {"search", search},
              {"dark", dark}};
    j["assignee"] = filter.assignee ? json(*filter.assignee) : json(nullptr);
    j["pending"] = json::array();
    for (const PendingChange& c : pending) j["pending"].push_back({c.submission_id, c.field, c.value});
    return j;
  }
  static ViewState from_json(const json& j, bool dark_default) {
    ViewState v;
    v.dark = dark_default;
    if (!j.is_object()) return v;
    v.org_id = j.value("org", "");
    v.project_id = j.value("project", "");
    v.submission_id = j.value("submission", "");
    v.filter.status = j.value("status", "");
    if (j.contains("assignee") && j["assignee"].is_string()) v.filter.assignee = j["assignee"].get<std::string>();
    v.since_days = j.value("since_days", 0);
    v.tag = j.value("tag", "");
    v.search = j.value("search", "");
    v.dark = j.value("dark", dark_default);
    for (const json& c : j.value("pending", json::array())) {
      if (c.is_array() && c.size() == 3 && c[0].is_string() && c[1].is_string() && c[2].is_string()) {
        v.pending.push_back({c[0], c[1], c[2]});
      }
    }
    return v;
  }
};

struct App {
  GLFWwindow* window = nullptr;
  FetchHttpClient http;
  ReviewClient api{http};
  std::unique_ptr<Session> session;
  std::string error;  // shown at the top; the app never crashes on a bad answer
  ViewState view;
  std::optional<ViewState> restoring;  // applied as the answers arrive
  int org_index = -1;
  std::vector<ProjectItem> projects;
  bool projects_loading = false;
  int project_index = -1;
  std::unique_ptr<InboxModel> inbox;
  std::vector<MemberItem> members;
  std::unique_ptr<ReportLoader> loader;
  GLuint texture = 0;
  int texture_w = 0, texture_h = 0;
  bool fit = true;
  float zoom = 1;    // screenshot pixels → CSS pixels, when not fitting
  ImVec2 pan{0, 0};  // scroll of the zoomed screenshot
  bool confirm_delete = false;
  char search[256] = {};
  char tag_filter[64] = {};
  // Triage of the open report: its tags as typed, its notes, the note
  // being written (wiped when the report closes).
  std::unique_ptr<NotesModel> notes;
  char tags_edit[400] = {};
  std::string tags_for;  // the submission whose tags tags_edit holds
  std::string tags_message, note_message;
  char note_edit[kMaxNoteBytes + 1] = {};
  bool confirm_bulk_delete = false;
  std::string bulk_message;
  // Project creation and the snippet of the project just made.
  char new_project_name[120] = {};
  char new_project_origins[1000] = {};
  std::string new_project_message;
  bool creating_project = false;
  std::optional<ProjectItem> snippet_for;
  std::string snippet, widget_integrity = "?";
  // Team and keys (owners and admins).
  KeyPins pins;
  std::unique_ptr<TeamModel> team;
  bool team_tab = false;
  int team_project = 0;
  std::string confirming;  // person id whose fingerprint is being compared
  bool confirm_rotate = false, rotating = false;
  std::string removing;  // person id being removed from the organisation (confirming)
  std::string team_message;
  char invite_email[200] = {};
  int invite_role = 0;
  std::string invitation_link;
  double dpr = 1;
  double retry_at = 0;  // when the server could not be reached: next try
  bool leaving = false;
  // Rows on screen and named widgets, with their rectangles (CSS px), for
  // the browser tests to click where a person would.
  std::vector<std::pair<int, ImVec4>> row_rects;
  std::map<std::string, ImVec4> rects;
  std::vector<unsigned char> font;
  bool font_ready = false;
  double frame_ms = 0;         // the last frame's CPU time (docs/benchmarks.md)
  float ime_x = 0, ime_y = 0;  // the text cursor of the field being edited (CSS px)
  // From the envelope downloaded to the screenshot drawn (docs/benchmarks.md).
  double downloaded_at = 0, open_ms = 0;
};

App* app = nullptr;

void track(const char* label) {
  const ImVec2 min = ImGui::GetItemRectMin(), max = ImGui::GetItemRectMax();
  app->rects[label] = ImVec4(min.x, min.y, max.x, max.y);
}

std::string date_text(std::int64_t ms) {
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M", &utc);
  return text;
}

std::string size_text(std::uint64_t bytes) {
  char text[32];
  if (bytes >= 1024 * 1024)
    std::snprintf(text, sizeof text, "%.1f MB", double(bytes) / (1024.0 * 1024.0));
  else
    std::snprintf(text, sizeof text, "%.0f KB", double(bytes) / 1024.0);
  return text;
}

const char* phase_name(ReportLoader::Phase p) {
  switch (p) {
    case ReportLoader::Phase::key:
      return "key";
    case ReportLoader::Phase::downloading:
      return "downloading";
    case ReportLoader::Phase::decrypting:
      return "decrypting";
    case ReportLoader::Phase::decoding:
      return "decoding";
    case ReportLoader::Phase::ready:
      return "ready";
    case ReportLoader::Phase::failed:
      return "failed";
  }
  return "";
}

std::string member_name(const std::string& id) {
  if (id.empty()) return "nobody";
  for (const MemberItem& m : app->members) {
    if (m.id == id) return m.display_name.empty() ? m.email : m.display_name;
  }
  return "someone";
}

void publish() {
  static const bool hooks = console_test_hooks() != 0;
  if (!hooks) return;
  json j = {{"state", app->session ? "workspace" : "starting"}, {"error", app->error}};
  if (app->inbox) {
    // The rows on screen only: a 10,000-row inbox would otherwise be
    // serialised every frame.
    json rows = json::array();
    for (const auto& [i, rect] : app->row_rects) {
      if (std::size_t(i) >= app->inbox->rows().size()) continue;  // drawn before a row went away
      const SubmissionItem& r = app->inbox->rows()[std::size_t(i)];
      const PreviewEntry& p = app->inbox->preview(std::size_t(i));
      rows.push_back({{"id", r.id},
                      {"status", r.status},
                      {"assignee", r.assignee},
                      {"tags", r.tags},
                      {"preview", p.state == PreviewEntry::State::loaded   ? "loaded"
                                  : p.state == PreviewEntry::State::failed ? "failed"
                                                                           : "not_loaded"},
                      {"comment", p.preview.comment_first_line},
                      {"page_url", p.preview.page_url},
                      {"preview_error", p.error}});
    }
    j["row_count"] = app->inbox->rows().size();
    j["has_more"] = app->inbox->has_more();
    j["project"] = app->inbox->project().id;
    j["rows"] = rows;
    j["shown"] = app->inbox->shown().size();
    j["preview_bytes"] = app->inbox->preview_bytes();
    j["picked"] = app->inbox->selection();
    j["bulk_message"] = app->bulk_message;
    j["inbox_loading"] = app->inbox->loading();
    json rects = json::array();
    for (const auto& [row, r] : app->row_rects)
      rects.push_back({{"row", row}, {"x", r.x}, {"y", r.y}, {"right", r.z}, {"bottom", r.w}});
    j["row_rects"] = rects;
  }
  json widgets = json::object();
  for (const auto& [label, r] : app->rects) widgets[label] = {{"x", r.x}, {"y", r.y}, {"right", r.z}, {"bottom", r.w}};
  j["widgets"] = widgets;
  if (app->loader) {
    const ReportLoader& l = *app->loader;
    j["phase"] = phase_name(l.phase());
    if (l.phase() == ReportLoader::Phase::ready) {
      j["report"] = {{"id", l.item().id},
                     {"comment", l.report().fields.comment},
                     {"width", l.report().width},
                     {"height", l.report().height},
                     {"redactions", l.report().fields.redactions},
                     {"zoom", app->fit ? 0.0 : app->zoom},
                     {"timings",
                      {{"download_ms", l.download_ms()},
                       {"decrypt_ms", l.decrypt_ms()},
                       {"decode_ms", l.decode_ms()},
                       {"open_ms", app->open_ms}}}};
    }
    if (l.phase() == ReportLoader::Phase::failed) j["report_error"] = l.error();
    j["tags_message"] = app->tags_message;
  }
  if (app->notes) {
    json notes = json::array();
    for (const Note& n : app->notes->notes()) {
      notes.push_back({{"id", n.id}, {"author", n.author}, {"text", n.text}, {"error", n.error}});
    }
    j["notes"] = notes;
    j["notes_loading"] = app->notes->loading();
    j["note_message"] = app->note_message;
  }
  if (app->snippet_for && app->widget_integrity != "?") j["snippet"] = app->snippet;
  j["new_project_message"] = app->new_project_message;
  if (app->team) {
    json members = json::array();
    for (const MemberItem& m : app->team->members()) {
      const KeyPins::Check c = app->team->pin_check(m);
      members.push_back({{"id", m.id},
                         {"email", m.email},
                         {"role", m.role},
                         {"fingerprint", TeamModel::fingerprint(m)},
                         {"key", c == KeyPins::Check::matches   ? "confirmed"
                                 : c == KeyPins::Check::changed ? "changed"
                                                                : "unconfirmed"}});
    }
    j["team"] = {
        {"members", members},           {"waiting", app->team->waiting_total()}, {"loading", app->team->loading()},
        {"message", app->team_message}, {"invitation", app->invitation_link},    {"open", app->team_tab}};
    if (!app->projects.empty()) {
      const ProjectItem& p =
          app->projects[std::size_t(std::clamp(app->team_project, 0, int(app->projects.size()) - 1))];
      if (const ProjectAccess* a = app->team->access(p.id)) {
        j["team"]["granted"] = a->granted;
        json held = json::object();
        for (const std::string& person : a->granted) held[person] = app->team->keys_held(p.id, person);
        j["team"]["keys_held"] = held;
      }
      j["team"]["current_key"] = app->team->current_key_number(p.id);
      j["team"]["key_count"] = app->team->key_history(p.id).size();
    }
  }
  j["projects"] = json::array();
  for (const ProjectItem& p : app->projects) j["projects"].push_back({{"id", p.id}, {"name", p.name}});
  j["link"] = app->api.link() == Link::ok ? "ok" : app->api.link() == Link::unreachable ? "unreachable" : "signed_out";
  j["framebuffer_scale"] = app->dpr;
  j["dark"] = app->view.dark;
  static std::string last;
  std::string text = j.dump();
  if (text != last) console_publish(text.c_str());  // only when something changed
  last = std::move(text);
}

void apply_theme() {
  if (app->view.dark)
    ImGui::StyleColorsDark();
  else
    ImGui::StyleColorsLight();
}

void close_report() {
  app->loader.reset();
  app->downloaded_at = 0;
  app->open_ms = 0;
  app->view.submission_id.clear();
  app->confirm_delete = false;
  app->notes.reset();  // its opened texts are wiped
  std::fill(std::begin(app->note_edit), std::end(app->note_edit), '\0');
  app->tags_for.clear();
  app->tags_message.clear();
  app->note_message.clear();
  if (app->texture != 0) {
    // The screenshot's pixels leave GPU memory too.
    glDeleteTextures(1, &app->texture);
    app->texture = 0;
  }
}

void open_submission(const SubmissionItem& item) {
  close_report();
  app->view.submission_id = item.id;
  app->fit = true;
  app->pan = ImVec2(0, 0);
  const ProjectItem& project = app->projects[std::size_t(app->project_index)];
  app->loader = std::make_unique<ReportLoader>(app->api, *app->session, app->view.org_id, project, item);
  app->loader->start();
  app->notes = std::make_unique<NotesModel>(app->api, *app->session, app->view.org_id, project, item.id);
  app->notes->load();
}

// The person's role in the organisation picked ("owner", "admin", …).
std::string org_role() {
  if (!app->session || app->org_index < 0) return "";
  return app->session->me().organisations[std::size_t(app->org_index)].role;
}

bool may_delete_reports() { return org_role() == "owner" || org_role() == "admin"; }
bool may_manage_projects() { return org_role() == "owner" || org_role() == "admin"; }

std::string take_js_text(char* text) {
  std::string out = text;
  std::free(text);
  return out;
}

void save_pins() { console_pins_save(app->session->me().id.c_str(), app->pins.to_json().c_str()); }

// Owners and admins: members, access and who waits for a grant, loaded
// when the organisation's projects are known (the banner on every visit).
void load_team() {
  if (!may_manage_projects()) {
    app->team.reset();
    return;
  }
  app->team = std::make_unique<TeamModel>(app->api, *app->session, app->view.org_id, app->pins);
  app->team->load(app->projects);
}

void apply_filter() {
  SubmissionQuery q = app->view.filter;
  q.since_ms = app->view.since_days > 0
                   ? std::int64_t(emscripten_date_now()) - std::int64_t(app->view.since_days) * 86'400'000
                   : 0;
  q.tag = app->view.tag;
  app->inbox->set_filter(q);
}

void select_project(int index) {
  app->project_index = index;
  close_report();
  app->view.project_id = app->projects[std::size_t(index)].id;
  app->inbox =
      std::make_unique<InboxModel>(app->api, *app->session, app->view.org_id, app->projects[std::size_t(index)]);
  apply_filter();  // a filter equal to the default does not reload by itself
  app->inbox->reload();
  app->inbox->set_search(app->view.search);
}

void select_org(int index) {
  app->org_index = index;
  app->team.reset();
  app->team_tab = false;
  app->projects.clear();
  app->project_index = -1;
  app->inbox.reset();
  close_report();
  app->members.clear();
  app->view.org_id = app->session->me().organisations[std::size_t(index)].id;
  app->projects_loading = true;
  app->api.projects(app->view.org_id, [](Result<std::vector<ProjectItem>> projects) {
    if (!app->session) return;
    app->projects_loading = false;
    if (!projects.ok()) {
      app->error = projects.message();
      return;
    }
    app->projects = std::move(projects).value();
    load_team();
    int pick = app->projects.size() == 1 ? 0 : -1;
    if (app->restoring) {
      for (std::size_t i = 0; i < app->projects.size(); ++i) {
        if (app->projects[i].id == app->restoring->project_id) pick = int(i);
      }
    }
    if (pick >= 0) select_project(pick);
  });
  app->api.members(app->view.org_id, [](Result<std::vector<MemberItem>> members) {
    if (app->session && members.ok()) app->members = std::move(members).value();
  });
}

// Status and assignee changes: a refusal because the session ended is kept
// and made again after the next sign-in; any other refusal is said.
void change_submission(const PendingChange& change) {
  auto done = [change](Status st) {
    if (st.ok()) return;
    if (st.code() == ErrorCode::unauthenticated) {
      app->view.pending.push_back(change);
      return;
    }
    if (app->api.link() == Link::ok) app->error = "Not saved: " + st.message();
  };
  if (change.field == "status")
    app->inbox->set_status(change.submission_id, change.value, done);
  else if (change.field == "assignee")
    app->inbox->assign(change.submission_id, change.value, done);
  else if (change.field == "tags")
    app->inbox->set_tags(change.submission_id, split_commas(change.value), done);
  else if (change.field == "note") {
    // Sealed before the session ended; the open report's notes are listed again once it is stored.
    app->api.add_note(app->view.org_id, app->view.project_id, change.submission_id, change.value,
                      [change, done](Result<NoteItem> r) {
                        if (r.ok() && app->notes && app->notes->submission_id() == change.submission_id) {
                          app->notes->load();
                        }
                        done(r.status());
                      });
  } else if (change.field == "bulk_status" || change.field == "bulk_delete") {
    const std::vector<std::string> ids = split_commas(change.submission_id);
    auto reload = [done](Result<std::vector<std::string>> r) {
      if (r.ok() && app->inbox) app->inbox->reload();
      done(r.status());
    };
    if (change.field == "bulk_status")
      app->api.bulk_status(app->view.org_id, app->view.project_id, ids, change.value, reload);
    else
      app->api.bulk_delete(app->view.org_id, app->view.project_id, ids, reload);
  }
}

// Once the list arrives after a restore, the report that was open opens again.
void continue_restore() {
  if (!app->restoring || !app->inbox || app->inbox->loading()) return;
  const std::string wanted = app->restoring->submission_id;
  for (const PendingChange& c : app->restoring->pending) change_submission(c);
  app->view.pending.clear();
  app->restoring.reset();
  const int row = wanted.empty() ? -1 : app->inbox->index_of(wanted);
  if (row >= 0) open_submission(app->inbox->rows()[std::size_t(row)]);
}

void step_report(int delta) {
  if (!app->inbox || app->view.submission_id.empty()) return;
  const auto& shown = app->inbox->shown();
  const int row = app->inbox->index_of(app->view.submission_id);
  auto at = std::find(shown.begin(), shown.end(), std::size_t(row));
  if (at == shown.end()) return;
  const long next = long(at - shown.begin()) + delta;
  if (next < 0 || next >= long(shown.size())) return;
  open_submission(app->inbox->rows()[shown[std::size_t(next)]]);
}

void leave(const char* reason) {
  if (app->leaving) return;
  app->leaving = true;
  const std::string view = app->view.to_json().dump();
  console_leave(reason, view.c_str());
}

void draw_filters() {
  const float w = ImGui::GetFontSize();
  // Status (server-side)
  ImGui::SetNextItemWidth(w * 8);
  const std::string status_preview =
      app->view.filter.status.empty() ? "any status" : std::string(status_label(app->view.filter.status));
  if (ImGui::BeginCombo("##status-filter", status_preview.c_str())) {
    if (ImGui::Selectable("any status", app->view.filter.status.empty())) {
      app->view.filter.status.clear();
      apply_filter();
    }
    for (std::string_view s : kSubmissionStatuses) {
      if (ImGui::Selectable(std::string(status_label(s)).c_str(), app->view.filter.status == s)) {
        app->view.filter.status = std::string(s);
        apply_filter();
      }
    }
    ImGui::EndCombo();
  }
  track("status-filter");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(w * 9);
  const std::string who = !app->view.filter.assignee           ? "anyone"
                          : app->view.filter.assignee->empty() ? "unassigned"
                                                               : member_name(*app->view.filter.assignee);
  if (ImGui::BeginCombo("##assignee-filter", who.c_str())) {
    if (ImGui::Selectable("anyone", !app->view.filter.assignee)) {
      app->view.filter.assignee.reset();
      apply_filter();
    }
    if (ImGui::Selectable("unassigned", app->view.filter.assignee && app->view.filter.assignee->empty())) {
      app->view.filter.assignee = "";
      apply_filter();
    }
    for (const MemberItem& m : app->members) {
      if (ImGui::Selectable((m.display_name.empty() ? m.email : m.display_name).c_str(),
                            app->view.filter.assignee == m.id)) {
        app->view.filter.assignee = m.id;
        apply_filter();
      }
    }
    ImGui::EndCombo();
  }
  track("assignee-filter");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(w * 7);
  static const std::pair<int, const char*> kSince[] = {
      {0, "any date"}, {1, "last day"}, {7, "last 7 days"}, {30, "last 30 days"}};
  const char* since = "any date";
  for (const auto& [days, label] : kSince) {
    if (days == app->view.since_days) since = label;
  }
  if (ImGui::BeginCombo("##date-filter", since)) {
    for (const auto& [days, label] : kSince) {
      if (ImGui::Selectable(label, days == app->view.since_days)) {
        app->view.since_days = days;
        apply_filter();
      }
    }
    ImGui::EndCombo();
  }
  track("date-filter");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(w * 7);
  // Applied on Enter (a half-typed tag would otherwise reload on every key).
  if (ImGui::InputTextWithHint("##tag-filter", "tag", app->tag_filter, sizeof app->tag_filter,
                               ImGuiInputTextFlags_EnterReturnsTrue)) {
    const std::string typed = app->tag_filter;
    Result<std::string> tag = typed.empty() ? Result<std::string>(std::string()) : tag_from_text(typed);
    if (tag.ok()) {
      app->view.tag = tag.value();
      std::snprintf(app->tag_filter, sizeof app->tag_filter, "%s", app->view.tag.c_str());
      apply_filter();
    } else {
      app->error = tag.message();
    }
  }
  track("tag-filter");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(w * 14);
  if (ImGui::InputTextWithHint("##search", "Search comments", app->search, sizeof app->search)) {
    app->view.search = app->search;
    app->inbox->set_search(app->view.search);
  }
  track("search");
  ImGui::SameLine();
  ImGui::TextDisabled("(?)");
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip(
        "The search runs in this browser over the comments decrypted here.\n"
        "The server stores only ciphertext: it cannot search what it cannot read.");
  }
}

// Picking rows and changing them together: status for anyone who may
// triage, delete (with a confirmation) for owners and admins.
void draw_bulk_bar(InboxModel& inbox) {
  const std::size_t picked = inbox.selection().size();
  if (ImGui::SmallButton(picked == 0 ? "Pick all shown" : "Unpick all")) inbox.select_shown(picked == 0);
  track("pick-all");
  if (!app->bulk_message.empty()) {
    ImGui::SameLine();
    ImGui::TextDisabled("%s", app->bulk_message.c_str());
  }
  if (picked == 0) return;
  ImGui::SameLine();
  ImGui::Text("%zu picked:", picked);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
  if (ImGui::BeginCombo("##bulk-status", "set status")) {
    for (std::string_view st : kSubmissionStatuses) {
      if (ImGui::Selectable(std::string(status_label(st)).c_str(), false)) {
        const std::string status(st);
        const std::string picked_ids = join_commas({inbox.selection().begin(), inbox.selection().end()});
        inbox.bulk_set_status(status, [status, picked_ids](Status result, std::size_t changed) {
          if (result.code() == ErrorCode::unauthenticated) {
            app->view.pending.push_back({picked_ids, "bulk_status", status});
            return;
          }
          if (!result.ok()) {
            if (app->api.link() == Link::ok) app->error = "Not all changed: " + result.message();
            return;
          }
          app->bulk_message = std::to_string(changed) + " set to " + std::string(status_label(status)) + ".";
        });
      }
      track(("bulk-status-" + std::string(st)).c_str());
    }
    ImGui::EndCombo();
  }
  track("bulk-status");
  ImGui::SameLine();
  ImGui::BeginDisabled(!may_delete_reports());
  if (ImGui::SmallButton("Delete picked…")) {
    app->confirm_bulk_delete = true;
    ImGui::OpenPopup("Delete the picked reports?");
  }
  ImGui::EndDisabled();
  if (!may_delete_reports() && ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) {
    ImGui::SetTooltip("Only owners and admins delete reports.");
  }
  track("bulk-delete");
  if (ImGui::BeginPopupModal("Delete the picked reports?", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    ImGui::Text("%zu reports and their encrypted envelopes are deleted from the server. This cannot be undone.",
                picked);
    if (ImGui::Button("Delete them")) {
      const std::string picked_ids = join_commas({inbox.selection().begin(), inbox.selection().end()});
      inbox.bulk_remove([picked_ids](Status result, std::size_t deleted) {
        if (result.code() == ErrorCode::unauthenticated) {
          app->view.pending.push_back({picked_ids, "bulk_delete", ""});
          return;
        }
        if (app->loader && app->inbox && app->inbox->index_of(app->view.submission_id) < 0) close_report();
        if (!result.ok()) {
          if (app->api.link() == Link::ok) app->error = "Not all deleted: " + result.message();
          return;
        }
        app->bulk_message = std::to_string(deleted) + " deleted.";
      });
      app->confirm_bulk_delete = false;
      ImGui::CloseCurrentPopup();
    }
    track("bulk-delete-confirm");
    ImGui::SameLine();
    if (ImGui::Button("Cancel")) {
      app->confirm_bulk_delete = false;
      ImGui::CloseCurrentPopup();
    }
    track("bulk-delete-cancel");
    ImGui::EndPopup();
  }
}

void draw_inbox(float height) {
  InboxModel& inbox = *app->inbox;
  const auto& rows = inbox.rows();
  const auto& shown = inbox.shown();
  draw_filters();
  if (!inbox.search().empty()) {
    ImGui::Text("%zu of %zu loaded reports match", shown.size(), rows.size());
    if (inbox.search_pending() > 0) {
      ImGui::SameLine();
      ImGui::TextDisabled("(decrypting %zu more to search them…)", inbox.search_pending());
    }
    ImGui::SameLine();
    ImGui::TextDisabled("— searched in this browser: the server cannot search what it cannot read.");
  } else {
    ImGui::Text("%zu reports%s%s", rows.size(), inbox.has_more() ? " (more on the server)" : "",
                inbox.loading() ? " — loading…" : "");
  }
  if (!inbox.list_status().ok() && app->api.link() == Link::ok) {
    ImGui::TextColored(ImVec4(1, 0.45f, 0.4f, 1), "%s", inbox.list_status().message().c_str());
  }
  draw_bulk_bar(inbox);
  const ImGuiTableFlags flags =
      ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_Resizable;
  if (!ImGui::BeginTable("inbox", 8, flags, ImVec2(0, height - ImGui::GetFrameHeightWithSpacing()))) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  // Widths from the font, not the first frame's rows (which may not be loaded yet).
  const float em = ImGui::GetFontSize();
  ImGui::TableSetupColumn("##pick", ImGuiTableColumnFlags_WidthFixed, ImGui::GetFrameHeight());
  ImGui::TableSetupColumn("Date", ImGuiTableColumnFlags_WidthFixed, em * 7.5f);
  ImGui::TableSetupColumn("Status", ImGuiTableColumnFlags_WidthFixed, em * 5.5f);
  ImGui::TableSetupColumn("Assignee", ImGuiTableColumnFlags_WidthFixed, em * 7);
  ImGui::TableSetupColumn("Size", ImGuiTableColumnFlags_WidthFixed, em * 4);
  ImGui::TableSetupColumn("Tags", ImGuiTableColumnFlags_WidthFixed, em * 7);
  ImGui::TableSetupColumn("Comment", ImGuiTableColumnFlags_WidthStretch);
  ImGui::TableSetupColumn("Page", ImGuiTableColumnFlags_WidthStretch);
  ImGui::TableHeadersRow();
  app->row_rects.clear();
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(shown.size()));
  std::optional<SubmissionItem> clicked;
  while (clipper.Step()) {
    // Only the rows on screen get their first chunk fetched and decrypted,
    // in the background (answers land in later frames).
    if (clipper.DisplayEnd > clipper.DisplayStart && app->api.link() == Link::ok) {
      inbox.want_previews(shown[std::size_t(clipper.DisplayStart)], shown[std::size_t(clipper.DisplayEnd - 1)] + 1);
    }
    for (int k = clipper.DisplayStart; k < clipper.DisplayEnd; ++k) {
      const std::size_t i = shown[std::size_t(k)];
      const SubmissionItem& row = rows[i];
      const PreviewEntry& p = inbox.preview(i);
      ImGui::TableNextRow();
      ImGui::TableSetColumnIndex(0);
      ImGui::PushID(int(i));
      // One widget per row: a click in the first column (its box) or with
      // Ctrl picks the row for a bulk change; anywhere else, or Enter on a
      // focused row, opens the report. (A checkbox over the row selectable,
      // AllowOverlap, lost the clicks on the clipper's first row.)
      const float pick_right = ImGui::GetCursorScreenPos().x + ImGui::GetContentRegionAvail().x;
      if (ImGui::Selectable(inbox.selected(row.id) ? "\u2611" : "\u2610", app->view.submission_id == row.id,
                            ImGuiSelectableFlags_SpanAllColumns)) {
        const ImGuiIO& io = ImGui::GetIO();
        const bool on_box = ImGui::IsMouseReleased(ImGuiMouseButton_Left) && io.MousePos.x <= pick_right;
        if (on_box || io.KeyCtrl)
          inbox.toggle_selected(row.id);
        else
          clicked = row;
      }
      const ImVec2 min = ImGui::GetItemRectMin(), max = ImGui::GetItemRectMax();
      app->row_rects.emplace_back(int(i), ImVec4(min.x + (pick_right - min.x), min.y, max.x, max.y));
      app->rects["pick-" + row.id] = ImVec4(min.x, min.y, pick_right, max.y);
      ImGui::PopID();
      ImGui::TableSetColumnIndex(1);
      ImGui::TextUnformatted(date_text(row.created_at_ms).c_str());
      ImGui::TableSetColumnIndex(2);
      ImGui::TextUnformatted(std::string(status_label(row.status)).c_str());
      ImGui::TableSetColumnIndex(3);
      ImGui::TextUnformatted(row.assignee.empty() ? "" : member_name(row.assignee).c_str());
      ImGui::TableSetColumnIndex(4);
      ImGui::TextUnformatted(size_text(row.size_bytes).c_str());
      ImGui::TableSetColumnIndex(5);
      ImGui::TextUnformatted(tags_to_text(row.tags).c_str());
      ImGui::TableSetColumnIndex(6);
      if (p.state == PreviewEntry::State::loaded)
        ImGui::TextUnformatted(p.preview.comment_first_line.c_str());
      else if (p.state == PreviewEntry::State::failed)
        ImGui::TextDisabled("%s", p.error.c_str());
      else
        ImGui::TextDisabled("decrypting…");
      ImGui::TableSetColumnIndex(7);
      ImGui::TextUnformatted(p.preview.page_url.c_str());
    }
  }
  // The next page comes when the last row is in view.
  if (inbox.has_more() && !inbox.loading() && ImGui::GetScrollY() >= ImGui::GetScrollMaxY() - 1) inbox.load_next_page();
  ImGui::EndTable();
  if (clicked) open_submission(*clicked);
}

void upload_texture(const OpenedReport& r) {
  if (app->texture == 0) glGenTextures(1, &app->texture);
  glBindTexture(GL_TEXTURE_2D, app->texture);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);  // 1:1 and zoomed-in pixels stay sharp
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, r.width, r.height, 0, GL_RGBA, GL_UNSIGNED_BYTE, r.rgba.data());
  app->texture_w = r.width;
  app->texture_h = r.height;
}

void field(const char* label, const std::string& value) {
  if (value.empty()) return;
  ImGui::TableNextRow();
  ImGui::TableSetColumnIndex(0);
  ImGui::TextDisabled("%s", label);
  ImGui::TableSetColumnIndex(1);
  ImGui::PushID(label);
  ImGui::TextWrapped("%s", value.c_str());
  ImGui::TableSetColumnIndex(2);
  if (ImGui::SmallButton("Copy")) ImGui::SetClipboardText(value.c_str());
  track((std::string("copy-") + label).c_str());
  ImGui::PopID();
}

void draw_manifest(const OpenedReport& r) {
  const ManifestFields& f = r.fields;
  if (ImGui::BeginTable("manifest", 3, ImGuiTableFlags_SizingStretchProp)) {
    ImGui::TableSetupColumn("field", ImGuiTableColumnFlags_WidthFixed);
    ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableSetupColumn("copy", ImGuiTableColumnFlags_WidthFixed);
    field("Comment", f.comment);
    field("Email", f.email);
    field("Category", f.category);
    field("Page", f.page_url);
    field("Browser", f.user_agent);
    if (f.viewport_width > 0) {
      char text[64];
      std::snprintf(text, sizeof text, "%d × %d CSS px at %.2gx", f.viewport_width, f.viewport_height,
                    f.device_pixel_ratio);
      field("Viewport", text);
    }
    field("Locale", f.locale + (f.time_zone.empty() ? "" : ", " + f.time_zone));
    field("Sent", f.created_at);
    field("Redactions",
          f.redactions < 0 ? "" : std::to_string(f.redactions) + " boxes blacked out in the browser before sending");
    std::string errors;
    for (const std::string& e : f.console_errors) errors += e + "\n";
    field("Console errors", errors);
    field("Metadata", f.metadata_json);
    field("User", f.user_json);
    ImGui::EndTable();
  }
}

// Reviewer notes: opened here with the project key; a new one is sealed
// here to the project's public key before it is sent.
void draw_notes() {
  if (!app->notes) return;
  NotesModel& notes = *app->notes;
  ImGui::Separator();
  ImGui::TextUnformatted("Notes");
  ImGui::SameLine();
  ImGui::TextDisabled("(sealed in this browser to the project key: the server cannot read them)");
  if (notes.loading()) ImGui::TextDisabled("Opening notes…");
  if (!notes.status().ok() && app->api.link() == Link::ok) {
    ImGui::TextColored(ImVec4(1, 0.45f, 0.4f, 1), "%s", notes.status().message().c_str());
  }
  std::optional<std::string> remove;
  const std::string role = org_role();
  for (std::size_t i = 0; i < notes.notes().size(); ++i) {
    const Note& n = notes.notes()[i];
    ImGui::PushID(n.id.c_str());
    ImGui::TextDisabled("%s, %s UTC", member_name(n.author).c_str(), date_text(n.created_at_ms).c_str());
    if (notes.can_delete(n, role)) {
      ImGui::SameLine();
      if (ImGui::SmallButton("Delete")) remove = n.id;
      track(("delete-note-" + std::to_string(i)).c_str());
    }
    if (n.error.empty())
      ImGui::TextWrapped("%s", n.text.c_str());
    else
      ImGui::TextColored(ImVec4(1, 0.45f, 0.4f, 1), "%s", n.error.c_str());
    ImGui::PopID();
  }
  ImGui::InputTextMultiline("##note", app->note_edit, sizeof app->note_edit,
                            ImVec2(-1, ImGui::GetTextLineHeight() * 3.5f));
  track("note");
  if (ImGui::Button("Add note")) {
    app->note_message = "Sealing and sending…";
    const std::string id = notes.submission_id();
    notes.add(app->note_edit, [id](Status st) {
      if (st.code() == ErrorCode::unauthenticated && app->notes && !app->notes->refused_sealed().empty()) {
        app->view.pending.push_back({id, "note", app->notes->refused_sealed()});
      }
      if (app->view.submission_id != id) return;
      if (st.ok()) {
        std::fill(std::begin(app->note_edit), std::end(app->note_edit), '\0');
        app->note_message.clear();
      } else {
        app->note_message = app->api.link() == Link::ok ? "Not added: " + st.message() : "";
      }
    });
  }
  track("add-note");
  if (!app->note_message.empty()) {
    ImGui::SameLine();
    ImGui::TextDisabled("%s", app->note_message.c_str());
  }
  if (remove) {
    notes.remove(*remove, [](Status st) {
      if (!st.ok() && app->api.link() == Link::ok) app->note_message = "Not deleted: " + st.message();
    });
  }
}

void draw_screenshot(const OpenedReport& r, ImVec2 size) {
  if (app->texture == 0 || r.width <= 0) {
    ImGui::TextDisabled("No screenshot in this report.");
    return;
  }
  if (ImGui::Button("Fit")) app->fit = true;
  track("fit");
  ImGui::SameLine();
  if (ImGui::Button("1:1")) {
    app->fit = false;
    app->zoom = float(1.0 / app->dpr);  // one screenshot pixel on one device pixel
  }
  track("one-to-one");
  ImGui::SameLine();
  if (ImGui::Button("-")) {
    app->fit = false;
    app->zoom = std::max(0.05f, app->zoom / 1.25f);
  }
  track("zoom-out");
  ImGui::SameLine();
  if (ImGui::Button("+")) {
    app->fit = false;
    app->zoom = std::min(16.f, app->zoom * 1.25f);
  }
  track("zoom-in");
  ImGui::SameLine();
  ImGui::TextDisabled(
      "%d × %d px, %s", r.width, r.height,
      app->fit ? "fitted" : (std::to_string(int(app->zoom * app->dpr * 100 + 0.5f)) + "% of device pixels").c_str());
  const ImVec2 avail(size.x, std::max(10.f, size.y - ImGui::GetFrameHeightWithSpacing()));
  ImGui::BeginChild("shot", avail, true, ImGuiWindowFlags_HorizontalScrollbar | ImGuiWindowFlags_NoMove);
  track("screenshot");
  const ImTextureID tex = reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(app->texture));
  if (app->fit) {
    const ImVec2 inner = ImGui::GetContentRegionAvail();  // inside the child's padding: no scrollbar
    const float s = std::min(inner.x / float(r.width), inner.y / float(r.height));
    app->zoom = s;
    ImGui::Image(tex, ImVec2(float(r.width) * s, float(r.height) * s));
  } else {
    // Wheel zooms around the cursor; dragging pans.
    ImGuiIO& io = ImGui::GetIO();
    if (ImGui::IsWindowHovered() && io.MouseWheel != 0 && io.KeyCtrl) {
      app->zoom = std::clamp(app->zoom * (io.MouseWheel > 0 ? 1.25f : 0.8f), 0.05f, 16.f);
    }
    ImGui::Image(tex, ImVec2(float(r.width) * app->zoom, float(r.height) * app->zoom));
    if (ImGui::IsItemActive() || (ImGui::IsWindowHovered() && ImGui::IsMouseDragging(ImGuiMouseButton_Left))) {
      ImGui::SetScrollX(ImGui::GetScrollX() - io.MouseDelta.x);
      ImGui::SetScrollY(ImGui::GetScrollY() - io.MouseDelta.y);
    }
  }
  ImGui::EndChild();
}

// The report's tags as text ("checkout, urgent"), saved with a button or
// Enter; checked here first (tags.h), then by the server.
void draw_tags_editor(const SubmissionItem& item) {
  if (app->tags_for != item.id) {
    std::snprintf(app->tags_edit, sizeof app->tags_edit, "%s", tags_to_text(item.tags).c_str());
    app->tags_for = item.id;
  }
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 18);
  const bool enter = ImGui::InputTextWithHint("Tags", "e.g. checkout, urgent", app->tags_edit, sizeof app->tags_edit,
                                              ImGuiInputTextFlags_EnterReturnsTrue);
  track("tags");
  ImGui::SameLine();
  const bool save = ImGui::SmallButton("Save tags");
  track("save-tags");
  if (enter || save) {
    Result<std::vector<std::string>> tags = tags_from_text(app->tags_edit);
    if (!tags.ok()) {
      app->tags_message = tags.message();
    } else {
      app->tags_message = "Saving…";
      const std::string id = item.id;
      app->inbox->set_tags(id, tags.value(), [id, words = join_commas(tags.value())](Status st) {
        if (st.code() == ErrorCode::unauthenticated) app->view.pending.push_back({id, "tags", words});
        if (app->view.submission_id != id) return;
        app->tags_for.clear();  // shows the tags as the server keeps them
        app->tags_message = st.ok() ? "Tags saved." : (app->api.link() == Link::ok ? "Not saved: " + st.message() : "");
      });
    }
  }
  if (!app->tags_message.empty()) {
    ImGui::SameLine();
    ImGui::TextDisabled("%s", app->tags_message.c_str());
  }
}

void draw_report_actions(const SubmissionItem& item) {
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 9);
  if (ImGui::BeginCombo("Status", std::string(status_label(item.status)).c_str())) {
    for (std::string_view s : kSubmissionStatuses) {
      if (ImGui::Selectable(std::string(status_label(s)).c_str(), item.status == s) && item.status != s) {
        change_submission({item.id, "status", std::string(s)});
      }
      track((std::string("status-") + std::string(s)).c_str());
    }
    ImGui::EndCombo();
  }
  track("status");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 10);
  if (ImGui::BeginCombo("Assignee", member_name(item.assignee).c_str())) {
    if (ImGui::Selectable("nobody", item.assignee.empty())) {
      change_submission({item.id, "assignee", ""});
    }
    for (const MemberItem& m : app->members) {
      if (ImGui::Selectable((m.display_name.empty() ? m.email : m.display_name).c_str(), item.assignee == m.id)) {
        change_submission({item.id, "assignee", m.id});
      }
    }
    ImGui::EndCombo();
  }
  track("assignee");
  ImGui::SameLine();
  const bool ready = app->loader && app->loader->phase() == ReportLoader::Phase::ready;
  ImGui::BeginDisabled(!ready || app->loader->report().png.empty());
  if (ImGui::Button("Download PNG")) {
    const auto& png = app->loader->report().png;
    console_download((item.id + ".png").c_str(), "image/png", png.data(), int(png.size()));
  }
  track("download-png");
  ImGui::EndDisabled();
  ImGui::SameLine();
  ImGui::BeginDisabled(!ready);
  if (ImGui::Button("Download JSON")) {
    const std::string& text = app->loader->report().manifest_json;
    console_download((item.id + ".json").c_str(), "application/json",
                     reinterpret_cast<const unsigned char*>(text.data()), int(text.size()));
  }
  track("download-json");
  ImGui::EndDisabled();
  ImGui::SameLine();
  if (ImGui::Button("Delete…")) {
    app->confirm_delete = true;
    ImGui::OpenPopup("Delete this report?");
  }
  track("delete");
  ImGui::SameLine();
  ImGui::TextDisabled("J / K: next / previous");
  draw_tags_editor(item);
  if (ImGui::BeginPopupModal("Delete this report?", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    ImGui::TextUnformatted("The report and its encrypted envelope are deleted from the server. This cannot be undone.");
    if (ImGui::Button("Delete")) {
      const std::string id = item.id;
      app->inbox->remove(id, [id](Status st) {
        if (!st.ok()) {
          if (app->api.link() == Link::ok) app->error = "Not deleted: " + st.message();
          return;
        }
        if (app->view.submission_id == id) close_report();
      });
      app->confirm_delete = false;
      ImGui::CloseCurrentPopup();
    }
    track("delete-confirm");
    ImGui::SameLine();
    if (ImGui::Button("Cancel")) {
      app->confirm_delete = false;
      ImGui::CloseCurrentPopup();
    }
    track("delete-cancel");
    ImGui::EndPopup();
  }
}

void draw_report(float height) {
  if (!app->loader) return;
  ReportLoader& l = *app->loader;
  const int row = app->inbox->index_of(l.item().id);
  const SubmissionItem& item = row >= 0 ? app->inbox->rows()[std::size_t(row)] : l.item();
  ImGui::Separator();
  if (row >= 0) draw_report_actions(item);
  if (l.phase() == ReportLoader::Phase::failed) {
    ImGui::TextColored(ImVec4(1, 0.45f, 0.4f, 1), "%s", l.error().c_str());
    return;
  }
  if (l.phase() != ReportLoader::Phase::ready) {
    ImGui::ProgressBar(l.progress(), ImVec2(ImGui::GetFontSize() * 24, 0), "");
    ImGui::SameLine();
    ImGui::TextUnformatted(l.progress_text().c_str());
    return;
  }
  const OpenedReport& r = l.report();
  (void)height;
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float manifest_width = avail.x * 0.36f;
  ImGui::BeginChild("screenshot-pane", ImVec2(avail.x - manifest_width - ImGui::GetStyle().ItemSpacing.x, avail.y),
                    false);
  draw_screenshot(r, ImGui::GetContentRegionAvail());
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("manifest-pane", ImVec2(0, avail.y), true);
  draw_manifest(r);
  draw_notes();
  ImGui::EndChild();
}

// Project creation: the key pair is made in this module's memory, the
// creator's grant sealed here (project_creation.h).
void draw_new_project() {
  if (!ImGui::BeginPopupModal("New project", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) return;
  ImGui::TextUnformatted(
      "The project's key pair is made in this browser; the server gets its public key and\n"
      "your copy of the secret key sealed to your own key. Nobody else can open its reports\n"
      "until you grant them access.");
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 20);
  ImGui::InputText("Name", app->new_project_name, sizeof app->new_project_name);
  track("new-project-name");
  ImGui::TextUnformatted("Sites that may send reports (origins, one a line):");
  ImGui::InputTextMultiline("##origins", app->new_project_origins, sizeof app->new_project_origins,
                            ImVec2(ImGui::GetFontSize() * 26, ImGui::GetTextLineHeight() * 3.5f));
  track("new-project-origins");
  ImGui::BeginDisabled(app->creating_project);
  if (ImGui::Button("Create")) {
    app->creating_project = true;
    app->new_project_message = "Making the key pair and sending the public key…";
    const NewProject wanted{app->new_project_name, origins_from_text(app->new_project_origins)};
    project_create(app->api, *app->session, app->view.org_id, wanted, [](Result<ProjectItem> made) {
      if (!app->session) return;
      app->creating_project = false;
      if (!made.ok()) {
        app->new_project_message = app->api.link() == Link::ok ? made.message() : "";
        return;
      }
      app->new_project_message.clear();
      app->new_project_name[0] = '\0';
      app->new_project_origins[0] = '\0';
      app->projects.push_back(made.value());
      select_project(int(app->projects.size()) - 1);
      app->snippet_for = made.value();
      console_widget_integrity_start();
      app->widget_integrity = "?";
    });
  }
  track("new-project-create");
  ImGui::EndDisabled();
  ImGui::SameLine();
  if (ImGui::Button("Cancel")) ImGui::CloseCurrentPopup();
  track("new-project-cancel");
  if (!app->new_project_message.empty()) ImGui::TextWrapped("%s", app->new_project_message.c_str());
  if (app->snippet_for) ImGui::CloseCurrentPopup();
  ImGui::EndPopup();
}

// The snippet of the project just made, to copy into the site's pages.
void draw_snippet() {
  if (!app->snippet_for) return;
  if (app->widget_integrity == "?") {
    app->widget_integrity = take_js_text(console_widget_integrity());
    app->snippet = embed_snippet(take_js_text(console_origin()), *app->snippet_for,
                                 app->widget_integrity == "?" ? "" : app->widget_integrity);
  }
  if (!ImGui::IsPopupOpen("Add Sealshot to your site")) ImGui::OpenPopup("Add Sealshot to your site");
  if (!ImGui::BeginPopupModal("Add Sealshot to your site", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) return;
  ImGui::Text("Project \"%s\" is ready. Add this tag to the pages of your site:", app->snippet_for->name.c_str());
  ImGui::PushTextWrapPos(ImGui::GetFontSize() * 36);
  ImGui::TextUnformatted(app->snippet.c_str());
  ImGui::PopTextWrapPos();
  if (app->widget_integrity.empty()) {
    ImGui::TextDisabled("This server does not serve widget.js yet (--widget-dir): the tag has no integrity hash.");
  }
  if (ImGui::Button("Copy")) ImGui::SetClipboardText(app->snippet.c_str());
  track("snippet-copy");
  ImGui::SameLine();
  if (ImGui::Button("Done")) {
    app->snippet_for.reset();
    ImGui::CloseCurrentPopup();
  }
  track("snippet-done");
  ImGui::EndPopup();
}

const char* pin_text(KeyPins::Check c) {
  switch (c) {
    case KeyPins::Check::matches:
      return "confirmed";
    case KeyPins::Check::changed:
      return "CHANGED since confirmed";
    case KeyPins::Check::unpinned:
      return "not confirmed";
  }
  return "";
}

// Comparing a fingerprint: the person reads theirs (shown at set-up and
// after sign-in) and the owner or admin checks it matches, out of band.
void draw_confirm_key() {
  if (app->confirming.empty() || !app->team) return;
  const MemberItem* m = app->team->member(app->confirming);
  if (m == nullptr) return app->confirming.clear();
  if (!ImGui::IsPopupOpen("Confirm a key")) ImGui::OpenPopup("Confirm a key");
  if (!ImGui::BeginPopupModal("Confirm a key", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) return;
  ImGui::Text("Ask %s to read their key fingerprint to you (in person or on a call).", m->email.c_str());
  ImGui::TextUnformatted("It is shown to them when they set up their account and after they sign in:");
  ImGui::Text("    %s", TeamModel::fingerprint(*m).c_str());
  if (app->team->pin_check(*m) == KeyPins::Check::changed) {
    ImGui::TextColored(ImVec4(1, 0.6f, 0.3f, 1),
                       "Their key changed since you confirmed it. Only confirm the new one if "
                       "they reset their password.");
  }
  if (ImGui::Button("It matches")) {
    app->team->confirm_key(m->id);
    save_pins();
    app->team_message = "Key of " + m->email + " confirmed.";
    app->confirming.clear();
    ImGui::CloseCurrentPopup();
  }
  track("confirm-yes");
  ImGui::SameLine();
  if (ImGui::Button("It does not match")) {
    app->team_message = "Not confirmed: nothing is granted to a key you could not compare.";
    app->confirming.clear();
    ImGui::CloseCurrentPopup();
  }
  track("confirm-no");
  ImGui::EndPopup();
}

// A member's organisation role, changeable by owners and admins (the
// server refuses what the caller may not do: an admin touching an owner,
// leaving no owner; its sentence is shown).
void draw_member_role(TeamModel& team, const MemberItem& m) {
  static const char* kOrgRoles[] = {"owner", "admin", "member", "viewer"};
  if (m.id == app->session->me().id) return (void)ImGui::TextUnformatted(m.role.c_str());
  ImGui::SetNextItemWidth(-1);
  if (ImGui::BeginCombo("##role", m.role.c_str())) {
    for (const char* r : kOrgRoles) {
      if (ImGui::Selectable(r, m.role == r) && m.role != r) {
        const std::string email = m.email, role = r;
        team.set_role(m.id, role, [email, role](Status st) {
          if (!app->session) return;
          app->team_message = st.ok() ? email + " is now " + role + "."
                                      : (app->api.link() == Link::ok ? "Role not changed: " + st.message() : "");
        });
      }
      track(("role-" + m.email + "-" + r).c_str());
    }
    ImGui::EndCombo();
  }
  track(("role-" + m.email).c_str());
}

void draw_remove_member(TeamModel& team) {
  if (app->removing.empty()) return;
  const MemberItem* m = team.member(app->removing);
  if (m == nullptr) return app->removing.clear();
  if (!ImGui::IsPopupOpen("Remove a member")) ImGui::OpenPopup("Remove a member");
  if (!ImGui::BeginPopupModal("Remove a member", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) return;
  ImGui::Text("Remove %s from the organisation? Their project roles and key grants go too.", m->email.c_str());
  ImGui::TextUnformatted(
      "Reports they could open stay readable with keys they may have kept: rotate the\n"
      "keys of their projects afterwards so new reports need a key they never had.");
  if (ImGui::Button("Remove")) {
    const std::string email = m->email;
    team.remove_member(m->id, [email](Status st) {
      if (!app->session) return;
      app->team_message = st.ok() ? email + " was removed from the organisation."
                                  : (app->api.link() == Link::ok ? "Not removed: " + st.message() : "");
    });
    app->removing.clear();
    ImGui::CloseCurrentPopup();
  }
  track("remove-member-yes");
  ImGui::SameLine();
  if (ImGui::Button("Cancel")) {
    app->removing.clear();
    ImGui::CloseCurrentPopup();
  }
  track("remove-member-no");
  ImGui::EndPopup();
}

// The project's key history and Rotate: a new key pair made here, sealed
// to each confirmed holder of the current key; then the new snippet.
void draw_project_keys(TeamModel& team, const ProjectItem& project) {
  for (const ProjectKeyItem& k : team.key_history(project.id)) {
    const Result<PublicKey> key = public_key_from_text(k.public_key);
    ImGui::Text("Key %lld  %s  %s", static_cast<long long>(k.key_number),
                key.ok() ? key_fingerprint(key.value()).c_str() : "?",
                k.current ? "(current: new reports)" : ("(retired " + date_text(k.retired_at_ms) + ")").c_str());
  }
  ImGui::BeginDisabled(app->rotating || team.current_key_number(project.id) == 0);
  if (ImGui::SmallButton("Rotate key…")) app->confirm_rotate = true;
  ImGui::EndDisabled();
  track("rotate-key");
  if (app->confirm_rotate && !ImGui::IsPopupOpen("Rotate the project key")) ImGui::OpenPopup("Rotate the project key");
  if (!ImGui::BeginPopupModal("Rotate the project key", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) return;
  ImGui::TextUnformatted(
      "A new key pair is made in this browser and sealed to everyone who holds the current key\n"
      "(their keys must be confirmed). New reports need the new key: put the new snippet on\n"
      "your site. Reports sent before keep opening with the older keys.");
  if (ImGui::Button("Rotate")) {
    app->rotating = true;
    app->confirm_rotate = false;
    ImGui::CloseCurrentPopup();
    app->team_message = "Making the new key pair and sealing it…";
    team.rotate(project, [](Result<ProjectItem> rotated) {
      if (!app->session) return;
      app->rotating = false;
      if (!rotated.ok()) {
        app->team_message = app->api.link() == Link::ok ? "Not rotated: " + rotated.message() : "";
        return;
      }
      for (ProjectItem& p : app->projects) {
        if (p.id == rotated.value().id) p.public_key = rotated.value().public_key;
      }
      app->team_message = "Rotated: new reports need the new key. Put the new snippet on your site.";
      app->snippet_for = rotated.value();
      console_widget_integrity_start();
      app->widget_integrity = "?";
    });
  }
  track("rotate-yes");
  ImGui::SameLine();
  if (ImGui::Button("Cancel")) {
    app->confirm_rotate = false;
    ImGui::CloseCurrentPopup();
  }
  track("rotate-no");
  ImGui::EndPopup();
}

void draw_team() {
  TeamModel& team = *app->team;
  if (team.loading()) ImGui::TextDisabled("Loading members and access…");
  if (!team.status().ok() && app->api.link() == Link::ok) {
    ImGui::TextColored(ImVec4(1, 0.45f, 0.4f, 1), "%s", team.status().message().c_str());
  }
  if (!app->team_message.empty()) ImGui::TextWrapped("%s", app->team_message.c_str());
  ImGui::SeparatorText("Members");
  if (ImGui::BeginTable("members", 6, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV)) {
    const float em = ImGui::GetFontSize();
    ImGui::TableSetupColumn("Person", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableSetupColumn("Role", ImGuiTableColumnFlags_WidthFixed, em * 6);
    ImGui::TableSetupColumn("Key fingerprint", ImGuiTableColumnFlags_WidthFixed, em * 22);
    ImGui::TableSetupColumn("Key", ImGuiTableColumnFlags_WidthFixed, em * 10);
    ImGui::TableSetupColumn("##confirm", ImGuiTableColumnFlags_WidthFixed, em * 6);
    ImGui::TableSetupColumn("##remove", ImGuiTableColumnFlags_WidthFixed, em * 5);
    ImGui::TableHeadersRow();
    for (const MemberItem& m : team.members()) {
      ImGui::PushID(m.id.c_str());
      ImGui::TableNextRow();
      ImGui::TableSetColumnIndex(0);
      ImGui::TextUnformatted(m.display_name.empty() ? m.email.c_str()
                                                    : (m.display_name + " <" + m.email + ">").c_str());
      ImGui::TableSetColumnIndex(1);
      draw_member_role(team, m);
      ImGui::TableSetColumnIndex(2);
      const std::string fp = TeamModel::fingerprint(m);
      ImGui::TextUnformatted(fp.empty() ? "not set up yet" : fp.c_str());
      ImGui::TableSetColumnIndex(3);
      const KeyPins::Check c = team.pin_check(m);
      if (!fp.empty()) {
        if (c == KeyPins::Check::changed)
          ImGui::TextColored(ImVec4(1, 0.6f, 0.3f, 1), "%s", pin_text(c));
        else
          ImGui::TextUnformatted(m.id == app->session->me().id ? "yours" : pin_text(c));
      }
      ImGui::TableSetColumnIndex(4);
      if (!fp.empty() && c != KeyPins::Check::matches) {
        if (ImGui::SmallButton("Compare…")) app->confirming = m.id;
        track(("confirm-" + m.email).c_str());
      }
      ImGui::TableSetColumnIndex(5);
      if (m.id != app->session->me().id) {
        if (ImGui::SmallButton("Remove…")) app->removing = m.id;
        track(("remove-member-" + m.email).c_str());
      }
      ImGui::PopID();
    }
    ImGui::EndTable();
  }
  draw_confirm_key();
  draw_remove_member(team);

  ImGui::SeparatorText("Invite someone");
  static const char* kRoles[] = {"member", "viewer", "admin"};
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 16);
  ImGui::InputTextWithHint("##invite-email", "email address", app->invite_email, sizeof app->invite_email);
  track("invite-email");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 7);
  ImGui::Combo("##invite-role", &app->invite_role, kRoles, 3);
  track("invite-role");
  ImGui::SameLine();
  if (ImGui::Button("Invite")) {
    team.invite(app->invite_email, kRoles[app->invite_role], [](Result<Invitation> r) {
      if (!app->session) return;
      if (!r.ok()) {
        app->team_message = app->api.link() == Link::ok ? "Not invited: " + r.message() : "";
        return;
      }
      app->invitation_link = take_js_text(console_origin()) + r.value().path;
      app->team_message = std::string("Invitation made") + (r.value().mailed ? " and mailed" : "") +
                          ". The link works once, for 7 days; it is shown only now.";
      app->invite_email[0] = '\0';
    });
  }
  track("invite-send");
  if (!app->invitation_link.empty()) {
    ImGui::TextUnformatted(app->invitation_link.c_str());
    ImGui::SameLine();
    if (ImGui::SmallButton("Copy link")) ImGui::SetClipboardText(app->invitation_link.c_str());
    track("invite-copy");
  }

  ImGui::SeparatorText("Access to projects");
  if (app->projects.empty()) return;
  app->team_project = std::clamp(app->team_project, 0, int(app->projects.size()) - 1);
  const ProjectItem& project = app->projects[std::size_t(app->team_project)];
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 14);
  if (ImGui::BeginCombo("##team-project", project.name.c_str())) {
    for (int i = 0; i < int(app->projects.size()); ++i) {
      if (ImGui::Selectable(app->projects[std::size_t(i)].name.c_str(), i == app->team_project)) app->team_project = i;
    }
    ImGui::EndCombo();
  }
  track("team-project");
  draw_project_keys(team, project);
  const ProjectAccess* access = team.access(project.id);
  if (access == nullptr) return;
  const auto waiting = team.waiting_for_access(project.id);
  if (ImGui::BeginTable("access", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV)) {
    const float em = ImGui::GetFontSize();
    ImGui::TableSetupColumn("Person", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableSetupColumn("Project role", ImGuiTableColumnFlags_WidthFixed, em * 7);
    ImGui::TableSetupColumn("Access", ImGuiTableColumnFlags_WidthFixed, em * 9);
    ImGui::TableSetupColumn("##actions", ImGuiTableColumnFlags_WidthFixed, em * 14);
    ImGui::TableHeadersRow();
    for (const MemberItem& m : team.members()) {
      ImGui::PushID(m.id.c_str());
      std::string role;
      for (const auto& [person, r] : access->roles) {
        if (person == m.id) role = r;
      }
      // "Has the key" is holding the current key number; older keys alone read old reports only.
      const std::vector<std::int64_t> held = team.keys_held(project.id, m.id);
      const bool granted = team.holds_current_key(project.id, m.id);
      const bool is_waiting =
          std::any_of(waiting.begin(), waiting.end(), [&](const MemberItem* w) { return w->id == m.id; });
      ImGui::TableNextRow();
      ImGui::TableSetColumnIndex(0);
      ImGui::TextUnformatted(m.email.c_str());
      ImGui::TableSetColumnIndex(1);
      ImGui::TextUnformatted(role.empty() ? (m.role == "member" ? "" : ("all (" + m.role + ")").c_str())
                                          : role.c_str());
      ImGui::TableSetColumnIndex(2);
      std::string keys_text;
      for (std::int64_t n : held) keys_text += (keys_text.empty() ? "key " : ", ") + std::to_string(n);
      if (granted)
        ImGui::Text("has the key (%s)", keys_text.c_str());
      else if (!held.empty() && is_waiting)
        ImGui::TextColored(ImVec4(1, 0.7f, 0.3f, 1), "waiting (holds %s)", keys_text.c_str());
      else if (!held.empty())
        ImGui::Text("older: %s", keys_text.c_str());
      else if (is_waiting)
        ImGui::TextColored(ImVec4(1, 0.7f, 0.3f, 1), "waiting for access");
      ImGui::TableSetColumnIndex(3);
      const auto grant_as = [&](const char* label, const std::string& project_role) {
        if (ImGui::SmallButton(label)) {
          const std::string email = m.email;
          team.grant(project, m.id, project_role, [email](Status st) {
            if (!app->session) return;
            app->team_message = st.ok()
                                    ? "Access granted to " + email + ": the project key was sealed to their key here."
                                    : (app->api.link() == Link::ok ? "Not granted: " + st.message() : "");
          });
        }
      };
      if (!granted && !m.public_key.empty()) {
        if (is_waiting) {
          grant_as("Grant", "");
          track(("grant-" + m.email).c_str());
        } else if (m.role == "member") {
          grant_as("Grant as reviewer", "reviewer");
          track(("grant-reviewer-" + m.email).c_str());
          ImGui::SameLine();
          grant_as("as viewer", "viewer");
          track(("grant-viewer-" + m.email).c_str());
        }
      }
      if ((!held.empty() || !role.empty()) && m.id != app->session->me().id) {
        ImGui::SameLine();
        if (ImGui::SmallButton("Remove")) {
          team.revoke(project, m.id, [](Status st) {
            if (app->session && !st.ok() && app->api.link() == Link::ok)
              app->team_message = "Not removed: " + st.message();
          });
        }
        track(("revoke-" + m.email).c_str());
      }
      ImGui::PopID();
    }
    ImGui::EndTable();
  }
}

void draw_link_banner() {
  if (app->api.link() != Link::unreachable) return;
  const double wait = std::max(0.0, (app->retry_at - now_ms()) / 1000.0);
  ImGui::TextColored(ImVec4(1, 0.7f, 0.3f, 1),
                     "The server cannot be reached. Nothing you opened is lost; trying again in %.0f s.", wait);
  ImGui::SameLine();
  if (ImGui::SmallButton("Try now")) app->retry_at = 0;
  track("retry");
}

void draw() {
  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(viewport->WorkPos);
  ImGui::SetNextWindowSize(viewport->WorkSize);
  ImGui::Begin("Sealshot console", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings);
  draw_link_banner();
  if (!app->error.empty()) {
    ImGui::TextColored(ImVec4(1, 0.45f, 0.4f, 1), "%s", app->error.c_str());
    ImGui::SameLine();
    if (ImGui::SmallButton("Dismiss")) app->error.clear();
  }
  const MeAnswer& me = app->session->me();
  ImGui::Text("Signed in as %s", me.email.c_str());
  ImGui::SameLine();
  if (ImGui::SmallButton(app->view.dark ? "Light theme" : "Dark theme")) {
    app->view.dark = !app->view.dark;
    apply_theme();
  }
  track("theme");
  ImGui::SameLine();
  if (ImGui::SmallButton("Two-factor sign-in")) console_show_page("mfa");
  track("mfa");
  ImGui::SameLine();
  if (ImGui::SmallButton("Sign out")) {
    leave("signed_out");
  }
  track("sign-out");
  const auto& orgs = me.organisations;
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 14);
  if (ImGui::BeginCombo("Organisation", app->org_index >= 0 ? orgs[std::size_t(app->org_index)].name.c_str() : "")) {
    for (int i = 0; i < int(orgs.size()); ++i) {
      if (ImGui::Selectable(orgs[std::size_t(i)].name.c_str(), i == app->org_index)) select_org(i);
      track(("org-" + orgs[std::size_t(i)].name).c_str());
    }
    ImGui::EndCombo();
  }
  track("org");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 14);
  if (ImGui::BeginCombo("Project",
                        app->project_index >= 0 ? app->projects[std::size_t(app->project_index)].name.c_str() : "")) {
    for (int i = 0; i < int(app->projects.size()); ++i) {
      if (ImGui::Selectable(app->projects[std::size_t(i)].name.c_str(), i == app->project_index)) select_project(i);
      track(("project-" + app->projects[std::size_t(i)].name).c_str());
    }
    ImGui::EndCombo();
  }
  track("project");
  if (may_manage_projects()) {
    ImGui::SameLine();
    if (ImGui::Button("New project…")) {
      app->new_project_message.clear();
      ImGui::OpenPopup("New project");
    }
    track("new-project");
  }
  draw_new_project();
  draw_snippet();
  if (app->team) {
    const std::size_t waiting = app->team->waiting_total();
    if (waiting > 0) {
      ImGui::TextColored(ImVec4(1, 0.7f, 0.3f, 1),
                         "%zu %s for access to a project (new, or a password reset made new keys).", waiting,
                         waiting == 1 ? "person waits" : "people wait");
      ImGui::SameLine();
      if (ImGui::SmallButton("Grant access…")) app->team_tab = true;
      track("waiting-banner");
    }
    if (ImGui::SmallButton(app->team_tab ? "Back to the inbox" : "Team and keys")) {
      app->team_tab = !app->team_tab;
      if (app->team_tab) load_team();
    }
    track("team");
    if (app->team_tab) {
      draw_team();
      ImGui::End();
      return;
    }
  }
  if (app->inbox) {
    const float avail = ImGui::GetContentRegionAvail().y;
    draw_inbox(app->loader ? avail * 0.35f : avail - ImGui::GetFrameHeightWithSpacing() * 3);
    draw_report(avail * 0.55f);
  } else if (app->projects_loading) {
    ImGui::TextDisabled("Loading projects…");
  } else if (app->org_index >= 0 && app->projects.empty()) {
    ImGui::TextDisabled("No project in this organisation yet.");
  }
  ImGui::End();

  // Next / previous report from the keyboard, unless a text field has it.
  if (!ImGui::GetIO().WantTextInput && !app->confirm_delete && !app->confirm_bulk_delete) {
    if (ImGui::IsKeyPressed(ImGuiKey_J)) step_report(+1);
    if (ImGui::IsKeyPressed(ImGuiKey_K)) step_report(-1);
  }
}

// Emscripten's GLFW reports the cursor in canvas pixels; ImGui works in CSS
// pixels with DisplayFramebufferScale = devicePixelRatio.
void cursor_position(GLFWwindow* window, double x, double y) {
  ImGui_ImplGlfw_CursorPosCallback(window, x / app->dpr, y / app->dpr);
}

void update() {
  app->api.pump();
  if (!app->session) return;
  if (app->api.link() == Link::signed_out) return leave("expired");
  if (app->api.link() == Link::unreachable && now_ms() >= app->retry_at) {
    // One light request says when the server is back; the inbox reloads then.
    app->retry_at = now_ms() + 5000;
    if (app->inbox)
      app->inbox->reload();
    else if (app->org_index >= 0)
      select_org(app->org_index);
  }
  continue_restore();
  if (app->loader) {
    if (app->downloaded_at == 0 && app->loader->phase() == ReportLoader::Phase::decrypting)
      app->downloaded_at = now_ms();
    app->loader->step(8.0);  // at most ~8 ms of decryption a frame
    if (app->loader->phase() == ReportLoader::Phase::ready && app->texture == 0) {
      upload_texture(app->loader->report());
      // The pixels live on in the texture; the RGBA copy is wiped now.
      auto& rgba = app->loader->report().rgba;
      std::fill(rgba.begin(), rgba.end(), 0);
      rgba.clear();
      rgba.shrink_to_fit();
    }
  }
}

void frame() {
  if (app->leaving) return;
  const double begin = now_ms();
  if (!app->font_ready && !app->font.empty()) {
    ImGuiIO& io = ImGui::GetIO();
    ImFontConfig config;
    config.FontDataOwnedByAtlas = false;
    // Latin-1, general punctuation (… – — ×) and ballot boxes (☐ ☑): what the console's own text uses.
    static const ImWchar ranges[] = {0x0020, 0x00FF, 0x2010, 0x205E, 0x2190, 0x21FF, 0x2610, 0x2612, 0};
    config.GlyphRanges = ranges;
    // Rasterised at the device's pixel size, drawn at CSS size: sharp on HiDPI.
    const float dpr = float(emscripten_get_device_pixel_ratio());
    io.FontDefault = io.Fonts->AddFontFromMemoryTTF(app->font.data(), int(app->font.size()), 16.0f * dpr, &config);
    io.FontGlobalScale = 1.0f / dpr;
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
    app->font_ready = true;
  }
  update();
  if (app->leaving) return;
  double css_w = 0, css_h = 0;
  emscripten_get_element_css_size("#canvas", &css_w, &css_h);
  app->dpr = emscripten_get_device_pixel_ratio();
  const int fb_w = int(css_w * app->dpr + 0.5), fb_h = int(css_h * app->dpr + 0.5);
  int cur_w = 0, cur_h = 0;
  emscripten_get_canvas_element_size("#canvas", &cur_w, &cur_h);
  if (cur_w != fb_w || cur_h != fb_h) emscripten_set_canvas_element_size("#canvas", fb_w, fb_h);

  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  ImGuiIO& io = ImGui::GetIO();
  if (char* typed = console_text_input_take(); typed != nullptr) {
    if (typed[0] != '\0') io.AddInputCharactersUTF8(typed);
    std::free(typed);
  }
  io.DisplaySize = ImVec2(float(css_w), float(css_h));
  io.DisplayFramebufferScale = ImVec2(float(app->dpr), float(app->dpr));
  ImGui::NewFrame();
  app->rects.clear();
  if (app->session) draw();
  ImGui::Render();
  console_text_input_focus(io.WantTextInput ? 1 : 0, app->ime_x, app->ime_y);
  glViewport(0, 0, fb_w, fb_h);
  const float bg = app->view.dark ? 0.1f : 0.95f;
  glClearColor(bg, bg, app->view.dark ? 0.11f : 0.95f, 1);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  if (app->texture != 0 && app->open_ms == 0 && app->downloaded_at > 0) {
    glFinish();  // the screenshot is on the canvas, not only queued
    app->open_ms = now_ms() - app->downloaded_at;
  }
  publish();
  app->frame_ms = now_ms() - begin;
  console_frame_time(app->frame_ms);
}

void set_clipboard(void*, const char* text) { console_clipboard_write(text); }
// Where ImGui's text cursor is: the hidden input sits there, so an IME's
// candidate window opens beside the text being written.
void set_ime_data(ImGuiViewport*, ImGuiPlatformImeData* data) {
  app->ime_x = data->InputPos.x;
  app->ime_y = data->InputPos.y;
}
const char* get_clipboard(void*) {
  static std::string held;
  char* text = console_clipboard_read();
  held = text;
  std::free(text);
  return held.c_str();
}

}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE void console_set_font(const unsigned char* data, int size) { app->font.assign(data, data + size); }

// me_json: the login answer; secret_key_text: the person's secret key the
// page unwrapped; view_json: where they were before the session ended ("" or
// "{}": a fresh start). Returns 0, or 1 with the reason in the published state.
EMSCRIPTEN_KEEPALIVE int console_start(const char* me_json, const std::uint8_t* secret_key, int secret_key_size,
                                       const char* view_json) {
  json j = json::parse(me_json, nullptr, false);
  if (j.is_discarded()) return 1;
  MeAnswer me;
  me.id = j.value("id", "");
  me.email = j.value("email", "");
  me.display_name = j.value("display_name", "");
  me.public_key = j.value("public_key", "");
  for (const auto& o : j.value("organisations", json::array())) {
    me.organisations.push_back({o.value("id", ""), o.value("name", ""), o.value("role", "")});
  }
  Result<Session> session =
      secret_key_size == int(kKeyBytes)
          ? Session::from_keys(std::move(me), std::span<const std::uint8_t, kKeyBytes>(secret_key, kKeyBytes))
          : Result<Session>(Status(ErrorCode::bad_key, "The secret key is not 32 bytes."));
  if (!session.ok()) {
    app->error = session.message();
    return 1;
  }
  app->session = std::make_unique<Session>(std::move(session).value());
  // Confirmed keys of this person (public keys only); unreadable: start again.
  Result<KeyPins> pins = KeyPins::from_json(take_js_text(console_pins_load(app->session->me().id.c_str())));
  app->pins = pins.ok() ? std::move(pins).value() : KeyPins{};
  // Project keys are pinned per key number in the same saved list.
  app->session->use_pins(&app->pins, save_pins);
  const json view = json::parse(view_json, nullptr, false);
  app->view = ViewState::from_json(view, console_prefers_dark() != 0);
  apply_theme();
  std::snprintf(app->search, sizeof app->search, "%s", app->view.search.c_str());
  std::snprintf(app->tag_filter, sizeof app->tag_filter, "%s", app->view.tag.c_str());
  const auto& orgs = app->session->me().organisations;
  int pick = orgs.size() == 1 ? 0 : -1;
  if (!app->view.org_id.empty()) {
    app->restoring = app->view;
    for (std::size_t i = 0; i < orgs.size(); ++i) {
      if (orgs[i].id == app->view.org_id) pick = int(i);
    }
  }
  if (pick >= 0) select_org(pick);
  return 0;
}

// Tears the workspace down before the page zeroes this module's memory:
// no more frames, GLFW's listeners removed, every key and decrypted byte
// dropped (their destructors wipe them).
EMSCRIPTEN_KEEPALIVE void console_shutdown() {
  emscripten_cancel_main_loop();
  app->leaving = true;
  close_report();
  app->inbox.reset();
  app->team.reset();
  app->session.reset();
  console_text_input_remove();
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwTerminate();
  delete app;
  app = nullptr;
}

}  // extern "C"

int main() {
  app = new App;
  // Before glfwInit: GLFW's key listeners are capturing listeners on the
  // window too, and the hidden input's keypress filter must run first.
  console_text_input_setup();
  if (!glfwInit()) return 1;
  glfwWindowHint(GLFW_CLIENT_API, GLFW_OPENGL_ES_API);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  app->window = glfwCreateWindow(1280, 800, "Sealshot console", nullptr, nullptr);
  if (app->window == nullptr) return 1;
  glfwMakeContextCurrent(app->window);
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // nothing of the session is written to storage
  io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
  app->view.dark = console_prefers_dark() != 0;
  apply_theme();
  ImGui_ImplGlfw_InitForOpenGL(app->window, true);
  io.SetClipboardTextFn = set_clipboard;
  io.GetClipboardTextFn = get_clipboard;
  console_clipboard_listen();
  io.SetPlatformImeDataFn = set_ime_data;
  glfwSetCursorPosCallback(app->window, cursor_position);
  // The backend polls glfwGetCursorPos (canvas pixels, unscaled) while it
  // believes the cursor is outside; a page whose canvas is under the cursor
  // from the start never sends "enter", so say so once.
  ImGui_ImplGlfw_CursorEnterCallback(app->window, GLFW_TRUE);
  ImGui_ImplOpenGL3_Init("#version 300 es");
  emscripten_set_main_loop(frame, 0, false);
  return 0;
}
