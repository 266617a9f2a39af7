// store_path.cpp — store path checks and the O_NOFOLLOW walk from the namespace directory.
#include "store_path.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

namespace sluice::server {

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = other.release();
    }
    return *this;
}

UniqueFd::~UniqueFd() {
    if (fd_ >= 0) ::close(fd_);
}

int UniqueFd::release() noexcept {
    const int fd = fd_;
    fd_ = -1;
    return fd;
}

namespace {

// The path as a message shows it: control bytes (NUL would end the message) as \xNN.
std::string printable(std::string_view path) {
    std::string out;
    for (char c : path)
        if (static_cast<unsigned char>(c) < 0x20)
            out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
        else
            out += c;
    return out;
}

StoreError bad_path(std::string_view path, std::string_view what) {
    return StoreError(StoreError::Kind::bad_request,
                      fmt::format("store path \"{}\": {}", printable(path), what));
}

void check_component(std::string_view path, std::string_view part) {
    if (part == "..") throw bad_path(path, "\"..\" is not allowed; paths stay inside your store");
    if (part.size() > 255) throw bad_path(path, "a name is over 255 bytes");
    if (part.starts_with(k_store_temp_prefix))
        throw bad_path(path, fmt::format("names starting with \"{}\" are reserved for unfinished "
                                         "writes; choose another name",
                                         k_store_temp_prefix));
}

// One directory below `at`, entered without following a symlink; created first when asked.
UniqueFd enter(int at, const std::string& name, bool create, std::string_view path) {
    if (create && ::mkdirat(at, name.c_str(), 0755) != 0 && errno != EEXIST)
        throw StoreError(StoreError::Kind::bad_request,
                         fmt::format("store path \"{}\": cannot create directory \"{}\": {}", path,
                                     name, std::strerror(errno)));
    int fd = ::openat(at, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0) return UniqueFd(fd);
    const int error = errno;
    if (error == ENOENT)
        throw StoreError(
            StoreError::Kind::not_found,
            fmt::format("store path \"{}\": directory \"{}\" does not exist", path, name));
    if (error == ELOOP || error == ENOTDIR) {
        struct stat st {};
        const bool link =
            ::fstatat(at, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode);
        throw bad_path(path, link ? fmt::format("\"{}\" is a symbolic link; the store never "
                                                "follows links",
                                                name)
                                  : fmt::format("\"{}\" is a file, not a directory", name));
    }
    throw bad_path(path,
                   fmt::format("cannot open directory \"{}\": {}", name, std::strerror(error)));
}

UniqueFd walk(int root_fd, const std::vector<std::string>& parts, std::size_t count, bool create,
              std::string_view path) {
    UniqueFd at(::fcntl(root_fd, F_DUPFD_CLOEXEC, 0));
    if (!at)
        throw StoreError(StoreError::Kind::limit,
                         fmt::format("store path \"{}\": out of file descriptors ({})", path,
                                     std::strerror(errno)));
    for (std::size_t i = 0; i < count; ++i) at = enter(at.get(), parts[i], create, path);
    return at;
}

}  // namespace

std::vector<std::string> split_store_path(std::string_view path) {
    if (path.size() > k_store_max_path_bytes)
        throw bad_path(path.substr(0, 64), fmt::format("over {} bytes", k_store_max_path_bytes));
    if (path.starts_with('/') || path.starts_with('\\'))
        throw bad_path(path, "absolute paths are not allowed; give a path relative to your store");
    for (char c : path)
        if (static_cast<unsigned char>(c) < 0x20)
            throw bad_path(path, "control characters (NUL, newline, ...) are not allowed");
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (start <= path.size()) {
        std::size_t end = path.find_first_of("/\\", start);
        if (end == std::string_view::npos) end = path.size();
        const std::string_view part = path.substr(start, end - start);
        if (!part.empty() && part != ".") {
            check_component(path, part);
            parts.emplace_back(part);
            if (parts.size() > k_store_max_depth)
                throw bad_path(path, fmt::format("deeper than {} levels", k_store_max_depth));
        }
        start = end + 1;
    }
    return parts;
}

UniqueFd open_parent(int root_fd, std::string_view path, bool create, std::string& leaf) {
    const std::vector<std::string> parts = split_store_path(path);
    if (parts.empty()) throw bad_path(path, "names the store's root; give a file or directory");
    leaf = parts.back();
    return walk(root_fd, parts, parts.size() - 1, create, path);
}

UniqueFd open_directory(int root_fd, std::string_view path, bool create) {
    const std::vector<std::string> parts = split_store_path(path);
    return walk(root_fd, parts, parts.size(), create, path);
}

}  // namespace sluice::server
