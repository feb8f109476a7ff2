// Files sent with submissions (OpenRosa attachments: photos of the result
// protocol). The bytes are stored content-addressed under
// DATA/attachments/ab/cdef... (the hex SHA-256, split after two digits), so
// a file sent twice is kept once; the store records which submission sent
// which file under which name (Store::RecordAttachments).
//
// Saving writes and fsyncs the files and records them on a thread of its
// own, so that neither the I/O threads nor the committer's threads wait on
// the disk for photos. Thread-safe.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"
#include "storage/store.h"

namespace vigil::service {

struct IncomingFile {
  std::string file_name;  // unique within its submission
  std::string content_type;
  std::string bytes;
};

// A name a client may give a file: 1-255 bytes, no '/', '\', control
// characters, "." or "..": it names a file within a submission only.
Status CheckAttachmentName(std::string_view name);

class AttachmentStore {
 public:
  // Files go under `data_dir`/attachments.
  AttachmentStore(storage::Store& store, std::string data_dir);
  ~AttachmentStore();  // finishes the saves already queued

  // Where the bytes with this hash are (or would be) kept.
  std::string PathOf(const Sha256& sha256) const;

  // Writes each file (unless its bytes are already kept) and fsyncs it and
  // its directory, then records them for `instance_id`, which must be
  // stored. `done` runs once, on the attachment thread, with OK or the
  // error (Conflict: a name already used with other bytes; Unavailable: a
  // write failed).
  void Save(std::string instance_id, std::vector<IncomingFile> files, storage::Actor actor,
            std::function<void(Status)> done);

 private:
  Status SaveNow(const std::string& instance_id, const std::vector<IncomingFile>& files,
                 const storage::Actor& actor);
  Status WriteFile(const Sha256& sha256, std::string_view bytes);
  void Run();

  storage::Store& store_;
  std::string dir_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;  // GUARDED_BY(mu_)
  bool stopping_ = false;                   // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace vigil::service
