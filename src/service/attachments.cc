#include "service/attachments.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/crypto.h"
#include "common/thread_name.h"

namespace vigil::service {

namespace fs = std::filesystem;

namespace {

Status Errno(const std::string& what) {
  return Status::Unavailable(what + ": " + std::strerror(errno));
}

Status FsyncPath(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return Errno("cannot open " + path);
  const int rc = ::fsync(fd);
  const int saved = errno;
  ::close(fd);
  errno = saved;
  if (rc != 0) return Errno("cannot fsync " + path);
  return Status::Ok();
}

}  // namespace

Status CheckAttachmentName(std::string_view name) {
  const bool ok = !name.empty() && name.size() <= 255 && name != "." && name != ".." &&
                  std::none_of(name.begin(), name.end(), [](char c) {
                    return c == '/' || c == '\\' || static_cast<unsigned char>(c) < 0x20;
                  });
  if (ok) return Status::Ok();
  return Status::InvalidArgument("attachment name '" + std::string(name.substr(0, 60)) +
                                 "': use 1 to 255 bytes without '/', '\\' or control characters");
}

AttachmentStore::AttachmentStore(storage::Store& store, std::string data_dir)
    : store_(store), dir_((fs::path(data_dir) / "attachments").string()) {
  thread_ = std::thread([this] { Run(); });
}

AttachmentStore::~AttachmentStore() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

std::string AttachmentStore::PathOf(const Sha256& sha256) const {
  const std::string hex = ToHex(sha256);
  return (fs::path(dir_) / hex.substr(0, 2) / hex.substr(2)).string();
}

void AttachmentStore::Save(std::string instance_id, std::vector<IncomingFile> files,
                           storage::Actor actor, std::function<void(Status)> done) {
  {
    std::lock_guard lock(mu_);
    jobs_.push_back([this, instance_id = std::move(instance_id), files = std::move(files),
                     actor = std::move(actor),
                     done = std::move(done)] { done(SaveNow(instance_id, files, actor)); });
  }
  cv_.notify_one();
}

void AttachmentStore::Run() {
  SetThreadName("vigil-attach");
  while (true) {
    std::function<void()> job;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // stopping, and everything queued is done
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job();
  }
}

Status AttachmentStore::WriteFile(const Sha256& sha256, std::string_view bytes) {
  const std::string path = PathOf(sha256);
  std::error_code ec;
  if (fs::exists(path, ec)) return Status::Ok();  // content-addressed: already kept
  const std::string parent = fs::path(path).parent_path().string();
  const bool new_top = !fs::exists(dir_, ec);
  const bool new_dir = !fs::exists(parent, ec);
  fs::create_directories(parent, ec);
  if (ec) return Status::Unavailable("cannot create " + parent + ": " + ec.message());
  // Written to a temporary name and renamed, so that a crash never leaves a
  // partial file under a hash name.
  const std::string tmp = path + ".tmp" + RandomToken(6);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  if (fd < 0) return Errno("cannot create " + tmp);
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      Status s = Errno("cannot write " + tmp);
      ::close(fd);
      ::unlink(tmp.c_str());
      return s;
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    Status s = Errno("cannot fsync " + tmp);
    ::close(fd);
    ::unlink(tmp.c_str());
    return s;
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    Status s = Errno("cannot rename " + tmp);
    ::unlink(tmp.c_str());
    return s;
  }
  VIGIL_RETURN_IF_ERROR(FsyncPath(parent, O_RDONLY | O_DIRECTORY));
  // New directories must be durable too, or the file could vanish with them.
  if (new_dir) VIGIL_RETURN_IF_ERROR(FsyncPath(dir_, O_RDONLY | O_DIRECTORY));
  if (new_top) {
    VIGIL_RETURN_IF_ERROR(FsyncPath(fs::path(dir_).parent_path().string(), O_RDONLY | O_DIRECTORY));
  }
  return Status::Ok();
}

Status AttachmentStore::SaveNow(const std::string& instance_id,
                                const std::vector<IncomingFile>& files,
                                const storage::Actor& actor) {
  std::vector<storage::AttachmentRecord> records;
  const Timestamp now = Now();
  for (const IncomingFile& f : files) {
    storage::AttachmentRecord r;
    r.instance_id = instance_id;
    r.file_name = f.file_name;
    r.sha256 = HashSha256(f.bytes);
    r.size = static_cast<std::int64_t>(f.bytes.size());
    r.content_type = f.content_type;
    r.received_at = now;
    VIGIL_RETURN_IF_ERROR(WriteFile(r.sha256, f.bytes));
    records.push_back(std::move(r));
  }
  return store_.RecordAttachments(records, actor);
}

}  // namespace vigil::service
