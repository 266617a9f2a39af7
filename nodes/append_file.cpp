// append_file.cpp — see append_file.hpp.
#include "append_file.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <fmt/format.h>

namespace sluice::nodes {
namespace fs = std::filesystem;
namespace {

std::string_view kind_of(mode_t mode) noexcept {
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISSOCK(mode)) return "a socket";
    if (S_ISDIR(mode)) return "a directory";
    return "not a file";
}

[[noreturn]] void fail(const fs::path& path, std::string_view what, int err) {
    throw std::runtime_error(fmt::format("cannot open \"{}\" for appending: {}{}{}", path.string(),
                                         what, err ? ": " : "", err ? std::strerror(err) : ""));
}

[[noreturn]] void not_regular(const fs::path& path, mode_t mode) {
    throw std::runtime_error(
        fmt::format("cannot open \"{}\" for appending: it is not a regular file ({})",
                    path.string(), kind_of(mode)));
}

// Enters (creating it first if needed) directory `name` below `dir`; a symlink is refused.
AppendFile enter(int dir_fd, const fs::path& name, const fs::path& shown) {
    if (::mkdirat(dir_fd, name.c_str(), 0755) != 0 && errno != EEXIST)
        fail(shown, "cannot create the directory", errno);
    int fd = ::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        fail(shown,
             errno == ELOOP || errno == ENOTDIR ? "a directory on the way is a symlink or "
                                                  "not a directory"
                                                : "cannot enter the directory",
             errno == ELOOP ? 0 : errno);
    return AppendFile(fd);
}

}  // namespace

AppendFile& AppendFile::operator=(AppendFile&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = other.fd_;
        other.fd_ = -1;
    }
    return *this;
}

AppendFile::~AppendFile() {
    if (fd_ >= 0) ::close(fd_);
}

void AppendFile::write(std::string_view first, std::string_view second,
                       std::string_view shown) const {
    iovec parts[2] = {{const_cast<char*>(first.data()), first.size()},
                      {const_cast<char*>(second.data()), second.size()}};
    int index = 0;
    while (index < 2) {
        if (parts[index].iov_len == 0) {
            ++index;
            continue;
        }
        ssize_t n = ::writev(fd_, parts + index, 2 - index);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            const int err = errno;
            throw std::runtime_error(fmt::format("writing to \"{}\" failed: {}{}", shown,
                                                 std::strerror(err),
                                                 err == EPIPE    ? " (EPIPE: its reader went away)"
                                                 : err == ENOSPC ? " (ENOSPC: the disk is full)"
                                                                 : ""));
        }
        // Partial write: skip what went out, continue with the rest.
        for (auto left = static_cast<std::size_t>(n); left > 0 && index < 2;) {
            std::size_t step = std::min(left, parts[index].iov_len);
            parts[index].iov_base = static_cast<char*>(parts[index].iov_base) + step;
            parts[index].iov_len -= step;
            left -= step;
            if (parts[index].iov_len == 0) ++index;
        }
    }
}

AppendFile open_append_below(const fs::path& anchor, const fs::path& relative) {
    const fs::path shown = anchor / relative;
    int fd = ::open(anchor.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) fail(shown, fmt::format("cannot open \"{}\"", anchor.string()), errno);
    AppendFile dir(fd);
    for (const fs::path& part : relative.parent_path()) {
        if (part.empty() || part == ".") continue;
        dir = enter(dir.fd(), part, shown);
    }
    // O_NONBLOCK: opening a FIFO with no reader must not wait for one (it is refused below).
    const fs::path name = relative.filename();
    fd = ::openat(dir.fd(), name.c_str(),
                  O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0644);
    struct stat info {};
    // ENXIO: a FIFO (or socket, device) with no reader; say what it is without opening it.
    if (fd < 0 && errno == ENXIO &&
        ::fstatat(dir.fd(), name.c_str(), &info, AT_SYMLINK_NOFOLLOW) == 0)
        not_regular(shown, info.st_mode);
    if (fd < 0 && errno == ELOOP) fail(shown, "it is a symlink", 0);
    if (fd < 0) fail(shown, "open failed", errno);
    AppendFile file(fd);
    if (::fstat(fd, &info) != 0) fail(shown, "fstat failed", errno);
    if (!S_ISREG(info.st_mode)) not_regular(shown, info.st_mode);
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0 || ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0)
        fail(shown, "fcntl failed", errno);
    return file;
}

}  // namespace sluice::nodes
