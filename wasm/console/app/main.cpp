// The review console's workspace: Dear ImGui on WebGL2 (GLFW + OpenGL3
// backends, Emscripten's built-in GLFW). This file only draws the model's
// state and turns input into model calls; everything else is the model
// (wasm/console/model/), tested natively.
//
// The sign-in page opens the person's keys with the account module, then
// calls console_start(me JSON, secret key text) and console_set_font(bytes).
#include <GLES3/gl3.h>
#include <GLFW/glfw3.h>
#include <emscripten.h>
#include <emscripten/html5.h>

#include <cstdio>
#include <ctime>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "imgui.h"
#include "imgui_impl_glfw.h"
#include "imgui_impl_opengl3.h"
#include "inbox_model.h"
#include "report_image.h"
#include "xhr_http_client.h"

namespace {

using namespace sealshot;
using namespace sealshot::console;

// What the browser tests read (window.__sealshotConsole): state names and
// what is on screen, never a key. Published every frame, so kept small.
EM_JS(void, console_publish, (const char* json_text), {
  // Merged over what the sign-in page published (email, fingerprint).
  // (Object.assign: Emscripten 3.1.6's JS optimizer cannot parse object spread.)
  globalThis.__sealshotConsole =
      Object.freeze(Object.assign({}, globalThis.__sealshotConsole, JSON.parse(UTF8ToString(json_text))));
});

struct App {
  GLFWwindow* window = nullptr;
  XhrHttpClient http;
  ReviewClient api{http};
  std::optional<Session> session;
  std::string error;  // shown at the top; the app never crashes on a bad answer
  int org_index = -1;
  std::vector<ProjectItem> projects;
  int project_index = -1;
  std::unique_ptr<InboxModel> inbox;
  int selected_row = -1;
  std::optional<OpenedReport> report;
  std::string report_error;
  GLuint texture = 0;
  double dpr = 1;
  // Rows on screen and their rectangles (CSS px), published for the browser
  // tests so they click where a person would.
  std::vector<std::pair<int, ImVec4>> row_rects;
  std::vector<unsigned char> font;
  bool font_ready = false;
};

App* app = nullptr;

const char* kStatuses[] = {"new", "triaged", "in_progress", "resolved", "spam"};

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
  if (bytes >= 1024 * 1024) std::snprintf(text, sizeof text, "%.1f MB", double(bytes) / (1024.0 * 1024.0));
  else std::snprintf(text, sizeof text, "%.0f KB", double(bytes) / 1024.0);
  return text;
}

void publish() {
  nlohmann::json j = {{"state", app->session ? "workspace" : "starting"}, {"error", app->error}};
  if (app->inbox) {
    nlohmann::json rows = nlohmann::json::array();
    for (const InboxRow& r : app->inbox->rows()) {
      rows.push_back({{"id", r.item.id},
                      {"status", r.item.status},
                      {"preview", r.preview_state == InboxRow::Preview::loaded   ? "loaded"
                                  : r.preview_state == InboxRow::Preview::failed ? "failed"
                                                                                 : "not_loaded"},
                      {"comment", r.preview.comment_first_line},
                      {"page_url", r.preview.page_url},
                      {"preview_error", r.preview_error}});
    }
    j["project"] = app->inbox->project().id;
    j["rows"] = rows;
    j["preview_bytes"] = app->inbox->preview_bytes();
    nlohmann::json rects = nlohmann::json::array();
    for (const auto& [row, r] : app->row_rects) rects.push_back({{"row", row}, {"x", r.x}, {"y", r.y}, {"right", r.z}, {"bottom", r.w}});
    j["row_rects"] = rects;
  }
  if (app->report) {
    j["report"] = {{"comment", app->report->comment}, {"width", app->report->width}, {"height", app->report->height}};
  }
  if (!app->report_error.empty()) j["report_error"] = app->report_error;
  j["framebuffer_scale"] = app->dpr;
  static std::string last;
  std::string text = j.dump();
  if (text != last) console_publish(text.c_str());  // only when something changed
  last = std::move(text);
}

void select_org(int index) {
  app->org_index = index;
  app->projects.clear();
  app->project_index = -1;
  app->inbox.reset();
  Result<std::vector<ProjectItem>> projects = app->api.projects(app->session->me().organisations[index].id);
  if (!projects.ok()) {
    app->error = projects.message();
    return;
  }
  app->projects = std::move(projects).value();
}

void select_project(int index) {
  app->project_index = index;
  app->selected_row = -1;
  app->report.reset();
  app->inbox = std::make_unique<InboxModel>(app->api, *app->session,
                                            app->session->me().organisations[app->org_index].id, app->projects[index]);
  if (Status st = app->inbox->reload(); !st.ok()) app->error = st.message();
}

void open_row(int row) {
  app->selected_row = row;
  app->report.reset();
  app->report_error.clear();
  const std::string& org = app->session->me().organisations[app->org_index].id;
  const ProjectItem& project = app->projects[app->project_index];
  const SubmissionItem& item = app->inbox->rows()[row].item;
  Result<SecretKey> key = app->session->project_key(app->api, org, project);
  if (!key.ok()) {
    app->report_error = key.message();
    return;
  }
  Result<std::string> envelope = app->api.envelope_prefix(org, project.id, item.id, item.size_bytes);
  if (!envelope.ok()) {
    app->report_error = envelope.message();
    return;
  }
  Result<OpenedReport> opened = open_report(envelope.value(), key.value(), project.id);
  if (!opened.ok()) {
    app->report_error = "This report cannot be opened: " + opened.message();
    return;
  }
  app->report = std::move(opened).value();
  if (!app->report->rgba.empty()) {
    if (app->texture == 0) glGenTextures(1, &app->texture);
    glBindTexture(GL_TEXTURE_2D, app->texture);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, app->report->width, app->report->height, 0, GL_RGBA, GL_UNSIGNED_BYTE,
                 app->report->rgba.data());
  }
}

void draw_inbox() {
  const auto& rows = app->inbox->rows();
  ImGui::Text("%zu reports%s. Comments are decrypted in this browser: the server cannot search them.", rows.size(),
              app->inbox->has_more() ? " (more on the server)" : "");
  if (app->inbox->has_more() && ImGui::Button("Load more")) {
    if (Status st = app->inbox->load_next_page(); !st.ok()) app->error = st.message();
  }
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_BordersInnerV |
                                ImGuiTableFlags_Resizable;
  if (!ImGui::BeginTable("inbox", 5, flags, ImVec2(0, ImGui::GetContentRegionAvail().y * 0.45f))) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("Date", ImGuiTableColumnFlags_WidthFixed);
  ImGui::TableSetupColumn("Status", ImGuiTableColumnFlags_WidthFixed);
  ImGui::TableSetupColumn("Size", ImGuiTableColumnFlags_WidthFixed);
  ImGui::TableSetupColumn("Comment", ImGuiTableColumnFlags_WidthStretch);
  ImGui::TableSetupColumn("Page", ImGuiTableColumnFlags_WidthStretch);
  ImGui::TableHeadersRow();
  app->row_rects.clear();
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(rows.size()));
  int clicked = -1;
  while (clipper.Step()) {
    // Only the rows on screen get their first chunk fetched and decrypted.
    app->inbox->load_previews(std::size_t(clipper.DisplayStart), std::size_t(clipper.DisplayEnd));
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
      const InboxRow& row = rows[std::size_t(i)];
      ImGui::TableNextRow();
      ImGui::TableSetColumnIndex(0);
      ImGui::PushID(i);
      if (ImGui::Selectable(date_text(row.item.created_at_ms).c_str(), app->selected_row == i,
                            ImGuiSelectableFlags_SpanAllColumns)) {
        clicked = i;
      }
      const ImVec2 min = ImGui::GetItemRectMin(), max = ImGui::GetItemRectMax();
      app->row_rects.emplace_back(i, ImVec4(min.x, min.y, max.x, max.y));
      ImGui::PopID();
      ImGui::TableSetColumnIndex(1);
      ImGui::TextUnformatted(row.item.status.c_str());
      ImGui::TableSetColumnIndex(2);
      ImGui::TextUnformatted(size_text(row.item.size_bytes).c_str());
      ImGui::TableSetColumnIndex(3);
      if (row.preview_state == InboxRow::Preview::loaded) ImGui::TextUnformatted(row.preview.comment_first_line.c_str());
      else if (row.preview_state == InboxRow::Preview::failed) ImGui::TextDisabled("%s", row.preview_error.c_str());
      else ImGui::TextDisabled("decrypting…");
      ImGui::TableSetColumnIndex(4);
      ImGui::TextUnformatted(row.preview.page_url.c_str());
    }
  }
  ImGui::EndTable();
  if (clicked >= 0) open_row(clicked);
}

void draw_report() {
  if (app->selected_row < 0) return;
  ImGui::Separator();
  if (!app->report_error.empty()) {
    ImGui::TextColored(ImVec4(1, 0.45f, 0.4f, 1), "%s", app->report_error.c_str());
    return;
  }
  if (!app->report) return;
  ImGui::TextWrapped("%s", app->report->comment.c_str());
  int current = 0;
  const std::string& status = app->inbox->rows()[std::size_t(app->selected_row)].item.status;
  for (int i = 0; i < 4; ++i) {
    if (status == kStatuses[i]) current = i;
  }
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 10);
  if (ImGui::Combo("Status", &current, kStatuses, 4) && kStatuses[current] != status) {
    if (Status st = app->inbox->set_status(std::size_t(app->selected_row), kStatuses[current]); !st.ok()) {
      app->error = st.message();
    }
  }
  if (ImGui::BeginChild("report", ImVec2(0, 0), false)) {
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float manifest_width = avail.x * 0.35f;
    if (app->texture != 0 && app->report->width > 0) {
      // Fit: the whole screenshot in the space left of the manifest.
      const float w = avail.x - manifest_width - ImGui::GetStyle().ItemSpacing.x;
      const float scale = std::min(w / float(app->report->width), avail.y / float(app->report->height));
      ImGui::Image(reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(app->texture)),
                   ImVec2(float(app->report->width) * scale, float(app->report->height) * scale));
      ImGui::SameLine();
    }
    ImGui::BeginChild("manifest", ImVec2(0, avail.y), true);
    ImGui::TextUnformatted(app->report->manifest_json.c_str());
    ImGui::EndChild();
  }
  ImGui::EndChild();
}

void draw() {
  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(viewport->WorkPos);
  ImGui::SetNextWindowSize(viewport->WorkSize);
  ImGui::Begin("Sealshot console", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings);
  if (!app->error.empty()) {
    ImGui::TextColored(ImVec4(1, 0.45f, 0.4f, 1), "%s", app->error.c_str());
    ImGui::SameLine();
    if (ImGui::SmallButton("Dismiss")) app->error.clear();
  }
  const MeAnswer& me = app->session->me();
  ImGui::Text("Signed in as %s", me.email.c_str());
  const auto& orgs = me.organisations;
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 14);
  if (ImGui::BeginCombo("Organisation", app->org_index >= 0 ? orgs[std::size_t(app->org_index)].name.c_str() : "")) {
    for (int i = 0; i < int(orgs.size()); ++i) {
      if (ImGui::Selectable(orgs[std::size_t(i)].name.c_str(), i == app->org_index)) select_org(i);
    }
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 14);
  if (ImGui::BeginCombo("Project",
                        app->project_index >= 0 ? app->projects[std::size_t(app->project_index)].name.c_str() : "")) {
    for (int i = 0; i < int(app->projects.size()); ++i) {
      if (ImGui::Selectable(app->projects[std::size_t(i)].name.c_str(), i == app->project_index)) select_project(i);
    }
    ImGui::EndCombo();
  }
  if (app->inbox) {
    draw_inbox();
    draw_report();
  } else if (app->org_index >= 0 && app->projects.empty()) {
    ImGui::TextDisabled("No project in this organisation yet.");
  }
  ImGui::End();
}

// Emscripten's GLFW reports the cursor in canvas pixels; ImGui works in CSS
// pixels with DisplayFramebufferScale = devicePixelRatio.
void cursor_position(GLFWwindow* window, double x, double y) {
  ImGui_ImplGlfw_CursorPosCallback(window, x / app->dpr, y / app->dpr);
}

void frame() {
  if (!app->font_ready && !app->font.empty()) {
    ImGuiIO& io = ImGui::GetIO();
    ImFontConfig config;
    config.FontDataOwnedByAtlas = false;
    // Rasterised at the device's pixel size, drawn at CSS size: sharp on HiDPI.
    const float dpr = float(emscripten_get_device_pixel_ratio());
    // The default font if a frame already built ImGui's own into the atlas.
    io.FontDefault = io.Fonts->AddFontFromMemoryTTF(app->font.data(), int(app->font.size()), 16.0f * dpr, &config);
    io.FontGlobalScale = 1.0f / dpr;
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
    app->font_ready = true;
  }
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
  io.DisplaySize = ImVec2(float(css_w), float(css_h));
  io.DisplayFramebufferScale = ImVec2(float(app->dpr), float(app->dpr));
  ImGui::NewFrame();
  if (app->session) draw();
  ImGui::Render();
  glViewport(0, 0, fb_w, fb_h);
  const bool dark = true;
  glClearColor(dark ? 0.1f : 0.95f, dark ? 0.1f : 0.95f, dark ? 0.11f : 0.95f, 1);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  publish();
}

}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE void console_set_font(const unsigned char* data, int size) {
  app->font.assign(data, data + size);
}

// me_json: the login answer; secret_key_text: the person's secret key the
// page unwrapped. Returns 0, or 1 with the reason in the published state.
EMSCRIPTEN_KEEPALIVE int console_start(const char* me_json, const char* secret_key_text) {
  nlohmann::json j = nlohmann::json::parse(me_json, nullptr, false);
  if (j.is_discarded()) return 1;
  MeAnswer me;
  me.id = j.value("id", "");
  me.email = j.value("email", "");
  me.public_key = j.value("public_key", "");
  for (const auto& o : j.value("organisations", nlohmann::json::array())) {
    me.organisations.push_back({o.value("id", ""), o.value("name", ""), o.value("role", "")});
  }
  Result<Session> session = Session::from_keys(std::move(me), secret_key_text);
  if (!session.ok()) {
    app->error = session.message();
    return 1;
  }
  app->session = std::move(session).value();
  if (app->session->me().organisations.size() == 1) {
    select_org(0);
    if (app->projects.size() == 1) select_project(0);
  }
  return 0;
}

}  // extern "C"

int main() {
  app = new App;
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
  ImGui::StyleColorsDark();
  ImGui_ImplGlfw_InitForOpenGL(app->window, true);
  glfwSetCursorPosCallback(app->window, cursor_position);
  // The backend polls glfwGetCursorPos (canvas pixels, unscaled) while it
  // believes the cursor is outside; a page whose canvas is under the cursor
  // from the start never sends "enter", so say so once.
  ImGui_ImplGlfw_CursorEnterCallback(app->window, GLFW_TRUE);
  ImGui_ImplOpenGL3_Init("#version 300 es");
  emscripten_set_main_loop(frame, 0, false);
  return 0;
}
