// store_path.hpp — how a store path becomes a place on disk: checked text (relative, no "..",
// no NUL, bounded), then walked one component at a time with openat(O_NOFOLLOW) from the
// namespace directory, so no "..", absolute path or symlink (planted by anyone, at any time)
// can lead out of it. No network types.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::server {

class StoreError : public std::runtime_error {
public:
    enum class Kind { bad_request, not_found, limit, conflict };
    StoreError(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
    Kind kind() const noexcept { return kind_; }

private:
    Kind kind_;
};

// An owned file descriptor; -1 = none.
class UniqueFd {
public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) noexcept : fd_(fd) {}
    UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
    UniqueFd& operator=(UniqueFd&& other) noexcept;
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;
    ~UniqueFd();
    int get() const noexcept { return fd_; }
    int release() noexcept;
    explicit operator bool() const noexcept { return fd_ >= 0; }

private:
    int fd_ = -1;
};

// Temporary files of unfinished writes start with this; such names are reserved (refused as
// paths, left out of listings).
inline constexpr std::string_view k_store_temp_prefix = ".sluice-tmp-";

inline constexpr std::size_t k_store_max_path_bytes = 4096;
inline constexpr std::size_t k_store_max_depth = 64;  // components in one path

// The components of `path` ("a/b\\c" -> a, b, c; "" and "." -> none). Throws StoreError
// (bad_request) naming the path for an absolute path, "..", NUL or control bytes, a reserved
// name, or a path over the bounds above.
std::vector<std::string> split_store_path(std::string_view path);

// `path`'s parent directory, opened (and created when `create`, each level with mkdirat) by
// walking from `root_fd` with O_NOFOLLOW; `leaf` receives the last component. Throws
// StoreError: not_found when a directory on the way is missing (and !create), bad_request when
// one is a file or a symlink. `path` must have at least one component.
UniqueFd open_parent(int root_fd, std::string_view path, bool create, std::string& leaf);

// The directory `path` itself ("" = the root), walked the same way.
UniqueFd open_directory(int root_fd, std::string_view path, bool create);

}  // namespace sluice::server
