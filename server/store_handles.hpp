// store_handles.hpp — the open files of one connection's file store (rrext_store fs_open ...
// fs_close): reads at any offset, writes into a temporary file beside the target that becomes
// the target, atomically, at fs_close (rename). Bounded: a number of handles, a file size, a
// read length. Not thread-safe: one connection's strand owns it. Destroying it closes every
// handle and removes the temporary file of each write not closed. No network types.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "file_store.hpp"

namespace sluice::server {

struct StoreLimits {
    std::size_t max_handles = 64;                  // open on one connection
    std::uint64_t max_file_bytes = 1024ull << 20;  // one written file (--store-max-file-mb)
    std::size_t max_read_bytes = 4u << 20;         // one fs_read (RocketRide's 4 MiB)
    std::size_t max_list_entries = 100'000;        // one fs_list_dir
};

class StoreHandles {
public:
    // `open_gauge` (may be null) counts the handles open on the whole server, for /metrics.
    StoreHandles(StoreLimits limits, std::atomic<std::int64_t>* open_gauge);
    ~StoreHandles();
    StoreHandles(const StoreHandles&) = delete;
    StoreHandles& operator=(const StoreHandles&) = delete;

    struct Opened {
        std::string handle;
        std::uint64_t size = 0;
    };
    Opened open_read(const StoreNamespace& ns, std::string_view path);
    std::string open_write(const StoreNamespace& ns, std::string_view path);  // makes parents
    std::uint64_t write(std::string_view handle, std::string_view bytes);
    // At most max_read_bytes from `offset`; empty at the end of the file.
    std::string read(std::string_view handle, std::uint64_t offset, std::size_t length);
    void close(std::string_view handle);  // a write handle: the file appears now
    void close_all() noexcept;
    std::size_t size() const noexcept { return handles_.size(); }
    const StoreLimits& limits() const noexcept { return limits_; }

private:
    struct Handle {
        bool writing = false;
        std::string path;  // as the client gave it, for messages
        UniqueFd file;
        UniqueFd dir;      // the parent directory (writes: where the rename happens)
        std::string leaf;  // the target's name in `dir`
        std::string temp;  // writes: the temporary file's name in `dir`
        std::uint64_t bytes = 0;
    };
    Handle& find(std::string_view handle, std::string_view op);
    std::string add(Handle handle);
    void check_room(std::string_view path) const;
    void release(std::map<std::string, Handle, std::less<>>::iterator at) noexcept;

    StoreLimits limits_;
    std::atomic<std::int64_t>* open_gauge_;
    std::map<std::string, Handle, std::less<>> handles_;
    std::uint64_t next_id_ = 1;
};

}  // namespace sluice::server
