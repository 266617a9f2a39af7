// append_file.hpp — opening a file for appending below a directory without ever leaving it or
// blocking: every directory below the anchor is created and entered with O_NOFOLLOW, the file
// is opened with O_NOFOLLOW|O_NONBLOCK and refused unless it is a regular file. Writes loop
// over partial writes and EINTR and name what failed.
#pragma once

#include <filesystem>
#include <string_view>

namespace sluice::nodes {

// An open descriptor, closed on destruction.
class AppendFile {
public:
    AppendFile() = default;
    explicit AppendFile(int fd) noexcept : fd_(fd) {}
    AppendFile(AppendFile&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
    AppendFile& operator=(AppendFile&& other) noexcept;
    ~AppendFile();
    int fd() const noexcept { return fd_; }

    // Writes `first` then `second` completely (one writev where it can). Throws
    // std::runtime_error naming `shown` and the cause (EPIPE, ENOSPC, ...).
    void write(std::string_view first, std::string_view second, std::string_view shown) const;

private:
    int fd_ = -1;
};

// Opens `anchor / relative` for appending (creating the file, 0644, and the directories of
// `relative`, 0755). `anchor` itself is followed as given; no component of `relative` may be a
// symlink. Throws std::runtime_error naming the path and why: "... is not a regular file (a
// FIFO)" for anything but a regular file, without blocking on it.
AppendFile open_append_below(const std::filesystem::path& anchor,
                             const std::filesystem::path& relative);

}  // namespace sluice::nodes
