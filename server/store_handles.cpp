// store_handles.cpp — open, read, write and close of store files, and their cleanup.
#include "store_handles.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

namespace sluice::server {
namespace {

using Kind = StoreError::Kind;

StoreError failed(Kind kind, std::string_view op, std::string_view path, std::string_view what) {
    return StoreError(kind, fmt::format("{} \"{}\": {}", op, path, what));
}

// Unique among the temporary files of this process; O_EXCL guards against any other.
std::string temp_name() {
    // relaxed: only the values' uniqueness matters, nothing is published through it.
    static std::atomic<std::uint64_t> counter{0};
    return fmt::format("{}{}-{}", k_store_temp_prefix, ::getpid(),
                       counter.fetch_add(1, std::memory_order_relaxed));
}

}  // namespace

StoreHandles::StoreHandles(StoreLimits limits, std::atomic<std::int64_t>* open_gauge)
    : limits_(limits), open_gauge_(open_gauge) {}

StoreHandles::~StoreHandles() { close_all(); }

void StoreHandles::check_room(std::string_view path) const {
    if (handles_.size() >= limits_.max_handles)
        throw failed(Kind::limit, "fs_open", path,
                     fmt::format("this connection already holds {} open handles (the limit); "
                                 "close some with fs_close",
                                 limits_.max_handles));
}

std::string StoreHandles::add(Handle handle) {
    std::string id = fmt::format("fh-{}", next_id_++);
    handles_.emplace(id, std::move(handle));
    // relaxed: a gauge read by /metrics only.
    if (open_gauge_) open_gauge_->fetch_add(1, std::memory_order_relaxed);
    return id;
}

StoreHandles::Opened StoreHandles::open_read(const StoreNamespace& ns, std::string_view path) {
    check_room(path);
    Handle h;
    h.path = std::string(path);
    h.dir = open_parent(ns.fd(), path, false, h.leaf);
    // O_NONBLOCK: a FIFO planted in the namespace must not stall the open.
    h.file = UniqueFd(
        ::openat(h.dir.get(), h.leaf.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    if (!h.file) {
        const int error = errno;
        if (error == ENOENT) throw failed(Kind::not_found, "fs_open", path, "no such file");
        if (error == ELOOP)
            throw failed(Kind::bad_request, "fs_open", path,
                         "is a symbolic link; the store never follows links");
        throw failed(Kind::bad_request, "fs_open", path, std::strerror(error));
    }
    struct stat st {};
    if (::fstat(h.file.get(), &st) != 0 || !S_ISREG(st.st_mode))
        throw failed(Kind::bad_request, "fs_open", path,
                     "not a file (a directory or a special file); list a directory with "
                     "fs_list_dir");
    Opened opened;
    opened.size = static_cast<std::uint64_t>(st.st_size);
    opened.handle = add(std::move(h));
    return opened;
}

std::string StoreHandles::open_write(const StoreNamespace& ns, std::string_view path) {
    check_room(path);
    Handle h;
    h.writing = true;
    h.path = std::string(path);
    h.dir = open_parent(ns.fd(), path, true, h.leaf);
    struct stat st {};
    if (::fstatat(h.dir.get(), h.leaf.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
        S_ISDIR(st.st_mode))
        throw failed(Kind::conflict, "fs_open", path,
                     "is a directory; write to a path that is not one");
    h.temp = temp_name();
    h.file = UniqueFd(::openat(h.dir.get(), h.temp.c_str(),
                               O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
    if (!h.file)
        throw failed(Kind::bad_request, "fs_open", path,
                     fmt::format("cannot create a temporary file: {}", std::strerror(errno)));
    return add(std::move(h));
}

StoreHandles::Handle& StoreHandles::find(std::string_view handle, std::string_view op) {
    auto at = handles_.find(handle);
    if (at == handles_.end())
        throw StoreError(Kind::not_found,
                         fmt::format("{}: no open handle \"{}\" on this connection; open the file "
                                     "with fs_open first",
                                     op, handle));
    return at->second;
}

std::uint64_t StoreHandles::write(std::string_view handle, std::string_view bytes) {
    Handle& h = find(handle, "fs_write");
    if (!h.writing)
        throw failed(Kind::bad_request, "fs_write", h.path,
                     "the handle was opened for reading; open it with mode \"w\" to write");
    if (bytes.size() > limits_.max_file_bytes - h.bytes)
        throw failed(Kind::limit, "fs_write", h.path,
                     fmt::format("the file would pass {} MiB (--store-max-file-mb); nothing of "
                                 "this write was kept",
                                 limits_.max_file_bytes >> 20));
    for (std::size_t done = 0; done < bytes.size();) {
        const ssize_t n = ::write(h.file.get(), bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            const int error = errno;
            // A partial write leaves the file where it was, so a retry starts clean.
            if (::ftruncate(h.file.get(), static_cast<off_t>(h.bytes)) == 0)
                ::lseek(h.file.get(), static_cast<off_t>(h.bytes), SEEK_SET);
            throw failed(Kind::bad_request, "fs_write", h.path, std::strerror(error));
        }
        done += static_cast<std::size_t>(n);
    }
    h.bytes += bytes.size();
    return bytes.size();
}

std::string StoreHandles::read(std::string_view handle, std::uint64_t offset, std::size_t length) {
    Handle& h = find(handle, "fs_read");
    if (h.writing)
        throw failed(Kind::bad_request, "fs_read", h.path,
                     "the handle was opened for writing; open the file with mode \"r\" to read");
    std::string out(std::min(length, limits_.max_read_bytes), '\0');
    std::size_t got = 0;
    while (got < out.size()) {
        const ssize_t n = ::pread(h.file.get(), out.data() + got, out.size() - got,
                                  static_cast<off_t>(offset + got));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw failed(Kind::bad_request, "fs_read", h.path, std::strerror(errno));
        if (n == 0) break;  // end of file
        got += static_cast<std::size_t>(n);
    }
    out.resize(got);
    return out;
}

void StoreHandles::close(std::string_view handle) {
    auto at = handles_.find(handle);
    if (at == handles_.end()) find(handle, "fs_close");  // throws, naming the handle
    Handle& h = at->second;
    if (h.writing && ::renameat(h.dir.get(), h.temp.c_str(), h.dir.get(), h.leaf.c_str()) != 0) {
        const int error = errno;
        const std::string path = h.path;
        release(at);  // removes the temporary file
        throw failed(Kind::conflict, "fs_close", path,
                     fmt::format("the written file could not take its place ({}); nothing was "
                                 "changed",
                                 std::strerror(error)));
    }
    h.temp.clear();  // renamed: nothing left to remove
    release(at);
}

void StoreHandles::release(std::map<std::string, Handle, std::less<>>::iterator at) noexcept {
    Handle& h = at->second;
    if (h.writing && !h.temp.empty()) ::unlinkat(h.dir.get(), h.temp.c_str(), 0);
    handles_.erase(at);
    if (open_gauge_) open_gauge_->fetch_sub(1, std::memory_order_relaxed);  // relaxed: a gauge
}

void StoreHandles::close_all() noexcept {
    while (!handles_.empty()) release(handles_.begin());
}

}  // namespace sluice::server
