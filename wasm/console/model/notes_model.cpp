#include "notes_model.h"

#include <sodium.h>

#include <memory>

#include "note_seal.h"
#include "report_loader.h"

namespace sealshot::console {
namespace {

void wipe(std::string& text) {
  sodium_memzero(text.data(), text.size());
  text.clear();
}

// A note's text held until the server answers; wiped however that ends.
struct HeldText {
  std::string text;
  ~HeldText() { wipe(text); }
};

}  // namespace

NotesModel::NotesModel(ReviewClient& api, Session& session, std::string org_id, ProjectItem project,
                       std::string submission_id)
    : api_(api),
      session_(session),
      org_id_(std::move(org_id)),
      project_(std::move(project)),
      submission_id_(std::move(submission_id)) {}

NotesModel::~NotesModel() {
  for (Note& n : notes_) wipe(n.text);
}

void NotesModel::load() {
  list_lifetime_.reset();
  loading_ = true;
  api_.notes(org_id_, project_.id, submission_id_,
             lifetime_.guard(list_lifetime_.guard([this](Result<std::vector<NoteItem>> items) {
               if (!items.ok()) {
                 loading_ = false;
                 status_ = items.status();
                 return;
               }
               open_all(std::move(items).value());
             })));
}

void NotesModel::open_all(std::vector<NoteItem> items) {
  session_.project_keys(
      api_, org_id_, project_,
      lifetime_.guard(list_lifetime_.guard([this, items = std::move(items)](Result<ProjectKeys> keys) {
        loading_ = false;
        if (!keys.ok()) {
          status_ = Status(keys.code(), describe_open_failure(keys.status()));
          return;
        }
        status_ = {};
        for (Note& n : notes_) wipe(n.text);
        notes_.clear();
        for (const NoteItem& item : items) {
          Note note{item.id, item.author, item.created_at_ms, {}, {}};
          // Notes written before a rotation are sealed to an older key:
          // each held key (checked and pinned by the session) is tried.
          Result<std::string> text = Status(ErrorCode::grant_open_failed, "");
          for (const HeldProjectKey& k : keys.value().keys) {
            Result<std::string> attempt = note_open(item.sealed, k.public_key, k.secret_key);
            if (attempt.ok() || &k == &keys.value().keys.front()) text = std::move(attempt);
            if (text.ok()) break;
          }
          if (text.ok())
            note.text = std::move(text).value();
          else
            note.error = text.message();
          notes_.push_back(std::move(note));
        }
      })));
}

void NotesModel::add(const std::string& text, std::function<void(Status)> done) {
  // Sealed to the project's current key as the session holds it (checked
  // against its pin), not to whatever key a project list names.
  // The text's own checks first (empty, too long, not UTF-8): refused
  // from pump() with no request, like every answer.
  Result<PublicKey> listed = public_key_from_text(project_.public_key);
  Result<std::string> checked = listed.ok() ? note_seal(text, listed.value()) : Result<std::string>(listed.status());
  if (!checked.ok()) return api_.defer(lifetime_.guard([done, st = checked.status()] { done(st); }));
  auto held = std::make_shared<HeldText>(HeldText{text});
  session_.project_keys(api_, org_id_, project_, lifetime_.guard([this, held, done](Result<ProjectKeys> keys) {
    const HeldProjectKey* current = keys.ok() ? keys.value().current() : nullptr;
    Result<std::string> sealed =
        !keys.ok()           ? Result<std::string>(keys.status())
        : current == nullptr ? Result<std::string>(Status(ErrorCode::grant_open_failed,
                                                          "You do not hold the project's current key; ask an owner "
                                                          "or admin to grant it before writing notes."))
                             : note_seal(held->text, current->public_key);
    if (!sealed.ok()) return api_.defer(lifetime_.guard([done, st = sealed.status()] { done(st); }));
    api_.add_note(
        org_id_, project_.id, submission_id_, sealed.value(),
        lifetime_.guard([this, held, done, sealed = sealed.value()](Result<NoteItem> item) {
          refused_sealed_ = item.code() == ErrorCode::unauthenticated ? sealed : std::string();
          if (item.ok()) {
            notes_.push_back({item.value().id, item.value().author, item.value().created_at_ms, held->text, {}});
          }
          done(item.status());
        }));
  }));
}

void NotesModel::remove(const std::string& note_id, std::function<void(Status)> done) {
  api_.delete_note(org_id_, project_.id, submission_id_, note_id,
                   lifetime_.guard([this, note_id, done](Result<Done> r) {
                     if (r.ok()) {
                       for (auto it = notes_.begin(); it != notes_.end(); ++it) {
                         if (it->id != note_id) continue;
                         wipe(it->text);
                         notes_.erase(it);
                         break;
                       }
                     }
                     done(r.status());
                   }));
}

bool NotesModel::can_delete(const Note& note, const std::string& org_role) const {
  return note.author == session_.me().id || org_role == "owner" || org_role == "admin";
}

}  // namespace sealshot::console
