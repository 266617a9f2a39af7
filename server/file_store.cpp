// file_store.cpp — the namespace directory and the path operations of the file store.
#include "file_store.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <openssl/evp.h>

namespace sluice::server {
namespace {

using Kind = StoreError::Kind;

// A recursive fs_rmdir keeps one descriptor per level it is inside.
constexpr std::size_t k_max_tree_depth = 256;

StoreError failed(Kind kind, std::string_view op, std::string_view path, std::string_view what) {
    return StoreError(kind, fmt::format("{} \"{}\": {}", op, path, what));
}

StoreError os_error(std::string_view op, std::string_view path, int error) {
    return failed(Kind::bad_request, op, path, std::strerror(error));
}

double seconds_of(const struct timespec& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

struct DirCloser {
    void operator()(DIR* d) const noexcept { ::closedir(d); }
};
using DirStream = std::unique_ptr<DIR, DirCloser>;

// A stream over `fd`'s entries, on a descriptor of its own (closedir closes it).
DirStream stream_of(int fd, std::string_view op, std::string_view path) {
    UniqueFd own(::fcntl(fd, F_DUPFD_CLOEXEC, 0));
    DIR* d = own ? ::fdopendir(own.get()) : nullptr;
    if (!d) throw os_error(op, path, errno);
    own.release();
    // The duplicate shares the directory's read position with `fd`: a scan cut short earlier
    // would leave the next one starting midway (entries missed), so start at the beginning.
    ::rewinddir(d);
    return DirStream(d);
}

bool is_dot(const char* name) {
    return std::strcmp(name, ".") == 0 || std::strcmp(name, "..") == 0;
}

// Removes every entry of `dir` that is not a directory; returns the name of a subdirectory
// when one is left (to be emptied first), nothing when `dir` is now empty.
std::optional<std::string> remove_files(int dir, std::string_view path) {
    DirStream stream = stream_of(dir, "fs_rmdir", path);
    while (const dirent* e = ::readdir(stream.get())) {
        if (is_dot(e->d_name)) continue;
        struct stat st {};
        if (::fstatat(dir, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;  // gone
        if (S_ISDIR(st.st_mode)) return std::string(e->d_name);
        if (::unlinkat(dir, e->d_name, 0) != 0 && errno != ENOENT)
            throw os_error("fs_rmdir", path, errno);
    }
    return std::nullopt;
}

// Empties and removes `parent/leaf` without recursion: a stack of the directories entered.
void remove_tree(int parent, const std::string& leaf, std::string_view path) {
    struct Level {
        UniqueFd dir;
        std::string name;
    };
    auto enter = [&](int at, const std::string& name) {
        int fd = ::openat(at, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0 && errno == ENOENT)
            throw failed(Kind::not_found, "fs_rmdir", path, "no such directory");
        if (fd < 0 && (errno == ENOTDIR || errno == ELOOP))
            throw failed(Kind::bad_request, "fs_rmdir", path,
                         "not a directory (a file or a link): remove it with fs_delete");
        if (fd < 0) throw os_error("fs_rmdir", path, errno);
        return Level{UniqueFd(fd), name};
    };
    std::vector<Level> stack;
    stack.push_back(enter(parent, leaf));
    while (!stack.empty()) {
        if (std::optional<std::string> sub = remove_files(stack.back().dir.get(), path)) {
            if (stack.size() >= k_max_tree_depth)
                throw failed(Kind::limit, "fs_rmdir", path,
                             fmt::format("deeper than {} levels; remove its deepest directories "
                                         "first",
                                         k_max_tree_depth));
            stack.push_back(enter(stack.back().dir.get(), *sub));
            continue;
        }
        const std::string name = std::move(stack.back().name);
        stack.pop_back();
        const int at = stack.empty() ? parent : stack.back().dir.get();
        if (::unlinkat(at, name.c_str(), AT_REMOVEDIR) != 0 && errno != ENOENT)
            throw os_error("fs_rmdir", path, errno);
    }
}

}  // namespace

std::string store_namespace_name(std::string_view api_key) {
    std::string input("sluice-store");
    input.push_back('\0');
    input.append(api_key);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(input.data(), input.size(), digest, &length, EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("file store: OpenSSL EVP_Digest(SHA-256) failed");
    std::string hex;
    for (unsigned int i = 0; i < 16 && i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
    return hex;
}

StoreNamespace::StoreNamespace(const std::filesystem::path& store_root, const std::string& name) {
    std::error_code ec;
    std::filesystem::create_directories(store_root, ec);
    UniqueFd root(::open(store_root.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!root)
        throw StoreError(Kind::bad_request,
                         fmt::format("file store: the store directory \"{}\" cannot be opened "
                                     "({}); check --data-dir",
                                     store_root.string(), std::strerror(errno)));
    if (::mkdirat(root.get(), name.c_str(), 0700) != 0 && errno != EEXIST)
        throw StoreError(Kind::bad_request,
                         fmt::format("file store: cannot create namespace \"{}\" in \"{}\": {}",
                                     name, store_root.string(), std::strerror(errno)));
    dir_ = UniqueFd(
        ::openat(root.get(), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!dir_)
        throw StoreError(Kind::bad_request,
                         fmt::format("file store: namespace \"{}\" in \"{}\" cannot be opened "
                                     "({}); it must be a directory, not a link",
                                     name, store_root.string(), std::strerror(errno)));
}

StoreStat StoreNamespace::stat(std::string_view path) const {
    StoreStat out;
    struct stat st {};
    if (split_store_path(path).empty()) {
        if (::fstat(fd(), &st) != 0) throw os_error("fs_stat", path, errno);
    } else {
        std::string leaf;
        UniqueFd parent;
        try {
            parent = open_parent(fd(), path, false, leaf);
        } catch (const StoreError& e) {
            if (e.kind() == Kind::not_found) return out;
            throw;
        }
        if (::fstatat(parent.get(), leaf.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
            if (errno == ENOENT) return out;
            throw os_error("fs_stat", path, errno);
        }
    }
    if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
        throw failed(Kind::bad_request, "fs_stat", path,
                     "is a link or a special file; the store holds only files and directories");
    out.exists = true;
    out.type = S_ISDIR(st.st_mode) ? "dir" : "file";
    out.size = S_ISREG(st.st_mode) ? static_cast<std::uint64_t>(st.st_size) : 0;
    out.modified = seconds_of(st.st_mtim);
    return out;
}

std::vector<StoreEntry> StoreNamespace::list_dir(std::string_view path,
                                                 std::size_t max_entries) const {
    UniqueFd dir;
    try {
        dir = open_directory(fd(), path, false);
    } catch (const StoreError& e) {
        if (e.kind() == Kind::not_found) return {};
        throw;
    }
    std::vector<StoreEntry> entries;
    DirStream stream = stream_of(dir.get(), "fs_list_dir", path);
    while (const dirent* e = ::readdir(stream.get())) {
        if (is_dot(e->d_name) || std::string_view(e->d_name).starts_with(k_store_temp_prefix))
            continue;
        struct stat st {};
        if (::fstatat(dir.get(), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;  // gone
        if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode)) continue;  // links are never shown
        if (entries.size() == max_entries)
            throw failed(
                Kind::limit, "fs_list_dir", path,
                fmt::format("holds over {} entries; split it into subdirectories", max_entries));
        entries.push_back({e->d_name, S_ISDIR(st.st_mode) ? "dir" : "file",
                           S_ISREG(st.st_mode) ? static_cast<std::uint64_t>(st.st_size) : 0,
                           seconds_of(st.st_mtim)});
    }
    std::sort(entries.begin(), entries.end(),
              [](const StoreEntry& a, const StoreEntry& b) { return a.name < b.name; });
    return entries;
}

void StoreNamespace::mkdir(std::string_view path) const { open_directory(fd(), path, true); }

void StoreNamespace::rmdir(std::string_view path, bool recursive) const {
    std::string leaf;
    UniqueFd parent = open_parent(fd(), path, false, leaf);
    if (recursive) return remove_tree(parent.get(), leaf, path);
    if (::unlinkat(parent.get(), leaf.c_str(), AT_REMOVEDIR) == 0) return;
    const int error = errno;
    if (error == ENOENT) throw failed(Kind::not_found, "fs_rmdir", path, "no such directory");
    if (error == ENOTEMPTY || error == EEXIST)
        throw failed(Kind::conflict, "fs_rmdir", path,
                     "directory not empty; pass recursive: true to remove its contents too");
    if (error == ENOTDIR)
        throw failed(Kind::bad_request, "fs_rmdir", path,
                     "not a directory; remove a file with fs_delete");
    throw os_error("fs_rmdir", path, error);
}

void StoreNamespace::remove(std::string_view path) const {
    std::string leaf;
    UniqueFd parent = open_parent(fd(), path, false, leaf);
    if (::unlinkat(parent.get(), leaf.c_str(), 0) == 0) return;
    const int error = errno;
    if (error == ENOENT) throw failed(Kind::not_found, "fs_delete", path, "no such file");
    if (error == EISDIR)
        throw failed(Kind::bad_request, "fs_delete", path,
                     "is a directory; remove it with fs_rmdir");
    throw os_error("fs_delete", path, error);
}

void StoreNamespace::rename(std::string_view from, std::string_view to) const {
    std::string from_leaf, to_leaf;
    UniqueFd from_parent = open_parent(fd(), from, false, from_leaf);
    UniqueFd to_parent = open_parent(fd(), to, true, to_leaf);
    if (::renameat(from_parent.get(), from_leaf.c_str(), to_parent.get(), to_leaf.c_str()) == 0)
        return;
    const int error = errno;
    if (error == ENOENT)
        throw failed(Kind::not_found, "fs_rename", from, "no such file or directory");
    if (error == EINVAL)
        throw failed(Kind::bad_request, "fs_rename", from,
                     fmt::format("cannot be moved inside itself (to \"{}\")", to));
    if (error == ENOTEMPTY || error == EEXIST || error == EISDIR || error == ENOTDIR)
        throw failed(Kind::conflict, "fs_rename", to,
                     "the target exists and is of another kind (or a non-empty directory); "
                     "remove it first");
    throw os_error("fs_rename", from, error);
}

}  // namespace sluice::server
