// The reviewer notes of one report: listed by the server as ciphertext,
// opened here with the project key from the person's grant, written here
// and sealed to the project's public key before they are sent (note_seal.h).
// The opened texts live in this object only and are wiped when it goes (the
// report closed, a sign-out).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "lifetime.h"
#include "review_client.h"
#include "session.h"

namespace sealshot::console {

struct Note {
  std::string id, author;  // author: person id (the server's word)
  std::int64_t created_at_ms = 0;
  std::string text;   // opened in this process; empty when it failed
  std::string error;  // a sentence when the note does not open
};

class NotesModel {
 public:
  NotesModel(ReviewClient& api, Session& session, std::string org_id, ProjectItem project, std::string submission_id);
  NotesModel(const NotesModel&) = delete;
  NotesModel& operator=(const NotesModel&) = delete;
  ~NotesModel();

  // Lists the notes and opens each (the project key comes from the session's
  // cache, or its grant).
  void load();
  bool loading() const { return loading_; }
  // The last list's failure; ok once one succeeds.
  const Status& status() const { return status_; }
  const std::vector<Note>& notes() const { return notes_; }
  const std::string& submission_id() const { return submission_id_; }

  // Seals `text` here and sends only the ciphertext; the note joins the list
  // when the server has it. A note the core refuses (empty, too long, not
  // UTF-8) answers through the next pump() like a server refusal.
  void add(const std::string& text, std::function<void(Status)> done);
  // The sealed text (ciphertext only) of the last note the server refused
  // because the session had ended, for the app to send again after the
  // next sign-in; empty otherwise.
  const std::string& refused_sealed() const { return refused_sealed_; }
  void remove(const std::string& note_id, std::function<void(Status)> done);
  // Whether to offer Delete: one's own notes; owners and admins anyone's
  // (`org_role`: the person's role in the organisation). The server decides.
  bool can_delete(const Note& note, const std::string& org_role) const;

 private:
  void open_all(std::vector<NoteItem> items);

  ReviewClient& api_;
  Session& session_;
  std::string org_id_;
  ProjectItem project_;
  std::string submission_id_;
  bool loading_ = false;
  Status status_;
  std::string refused_sealed_;
  std::vector<Note> notes_;
  Lifetime list_lifetime_;  // a reload drops the answer of an older list
  Lifetime lifetime_;       // last: answers after the report closed are dropped
};

}  // namespace sealshot::console
