// file_store.hpp — the per-key file store behind rrext_store (RocketRide's FileStore): one
// directory per API key under `<data root>/store/`, named by a hash of the key (never the key's
// text); the path operations on it (stat, list, mkdir, rmdir, delete, rename). Every path is
// resolved by store_path's O_NOFOLLOW walk, so nothing leads out of the namespace. Thread-safe:
// each call opens its own descriptors. Open files (handles) are store_handles.hpp's. No
// network types.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "store_path.hpp"

namespace sluice::server {

struct StoreStat {
    bool exists = false;
    std::string type;  // "file" | "dir" (when it exists)
    std::uint64_t size = 0;
    double modified = 0;  // seconds since the epoch
};

struct StoreEntry {
    std::string name;
    std::string type;  // "file" | "dir"
    std::uint64_t size = 0;
    double modified = 0;
};

// The namespace directory name of `api_key`: 32 hex characters of SHA-256("sluice-store\0" +
// key). Stable across restarts and key order; the key cannot be read back from it.
std::string store_namespace_name(std::string_view api_key);

class StoreNamespace {
public:
    // Opens (creating when missing) `store_root/name`; throws StoreError when it cannot, or
    // when either is a symlink.
    StoreNamespace(const std::filesystem::path& store_root, const std::string& name);

    int fd() const noexcept { return dir_.get(); }

    StoreStat stat(std::string_view path) const;
    // A missing directory lists as empty (as RocketRide's object stores: the clients list
    // `.templates` before any exists). Past `max_entries`: StoreError (limit).
    std::vector<StoreEntry> list_dir(std::string_view path, std::size_t max_entries) const;
    void mkdir(std::string_view path) const;  // with parents; an existing directory is fine
    void rmdir(std::string_view path, bool recursive) const;
    void remove(std::string_view path) const;  // a file (or a symlink itself, never its target)
    void rename(std::string_view from, std::string_view to) const;  // creates `to`'s parents

private:
    UniqueFd dir_;
};

}  // namespace sluice::server
