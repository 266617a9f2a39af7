// The file store's filesystem part: path checks, the namespace name, handles (atomic writes,
// limits, cleanup), and removals that neither recurse nor follow links.
#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include "file_store.hpp"
#include "store_handles.hpp"

using namespace sluice::server;
namespace fs = std::filesystem;

namespace {

struct TempDir {
    fs::path path;
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "sluice-store-unit-XXXXXX").string();
        REQUIRE(::mkdtemp(pattern.data()) != nullptr);
        path = fs::canonical(pattern);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

std::string message_of(auto&& call) {
    try {
        call();
    } catch (const StoreError& e) {
        return e.what();
    }
    return "(no error)";
}

std::string contents(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

std::size_t temp_files_in(const fs::path& dir) {
    std::size_t n = 0;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        n += e.path().filename().string().starts_with(k_store_temp_prefix);
    return n;
}

}  // namespace

TEST_SUITE("server") {
    TEST_CASE("store paths are split on both slashes, with empty and '.' parts dropped") {
        CHECK(split_store_path("a//b/./c\\d") == std::vector<std::string>{"a", "b", "c", "d"});
        CHECK(split_store_path("").empty());
        CHECK(split_store_path(".").empty());
    }

    TEST_CASE("store paths that could leave the namespace are refused, naming the path") {
        CHECK(message_of([] { split_store_path("a/../../x"); }) ==
              "store path \"a/../../x\": \"..\" is not allowed; paths stay inside your store");
        CHECK(message_of([] { split_store_path("/etc/passwd"); }) ==
              "store path \"/etc/passwd\": absolute paths are not allowed; give a path relative to "
              "your store");
        CHECK(message_of([] { split_store_path(std::string("a\0b", 3)); }) ==
              "store path \"a\\x00b\": control characters (NUL, newline, ...) are not allowed");
        CHECK(message_of([] { split_store_path(".sluice-tmp-1-2"); }).find("reserved") !=
              std::string::npos);
        std::string deep;
        for (int i = 0; i < 65; ++i) deep += "d/";
        CHECK(message_of([&] { split_store_path(deep); }).find("deeper than 64 levels") !=
              std::string::npos);
    }

    TEST_CASE("a namespace name is 32 hex characters that differ per key and hide the key") {
        const std::string a = store_namespace_name("key-one"), b = store_namespace_name("key-two");
        CHECK(a.size() == 32);
        CHECK(a.find_first_not_of("0123456789abcdef") == std::string::npos);
        CHECK(a != b);
        CHECK(a == store_namespace_name("key-one"));
        CHECK(a.find("key") == std::string::npos);
    }

    TEST_CASE("a write appears at close, and an unfinished one leaves no temporary file") {
        TempDir dir;
        StoreNamespace ns(dir.path / "store", "ns");
        std::atomic<std::int64_t> gauge{0};
        {
            StoreHandles handles(StoreLimits{}, &gauge);
            const std::string h = handles.open_write(ns, "sub/dir/f.txt");
            CHECK(handles.write(h, "abc") == 3);
            CHECK_FALSE(ns.stat("sub/dir/f.txt").exists);
            CHECK(temp_files_in(dir.path) == 1);
            handles.close(h);
            CHECK(contents(dir.path / "store/ns/sub/dir/f.txt") == "abc");
            CHECK(gauge.load() == 0);

            const std::string unfinished = handles.open_write(ns, "g.txt");
            handles.write(unfinished, "half");
            CHECK(gauge.load() == 1);
        }  // the connection goes
        CHECK(gauge.load() == 0);
        CHECK(temp_files_in(dir.path) == 0);
        CHECK_FALSE(fs::exists(dir.path / "store/ns/g.txt"));
    }

    TEST_CASE("reads stop at the end of the file and at the read limit") {
        TempDir dir;
        StoreNamespace ns(dir.path / "store", "ns");
        StoreHandles handles(StoreLimits{.max_read_bytes = 4}, nullptr);
        const std::string w = handles.open_write(ns, "f");
        handles.write(w, "0123456789");
        handles.close(w);
        StoreHandles::Opened r = handles.open_read(ns, "f");
        CHECK(r.size == 10);
        CHECK(handles.read(r.handle, 0, 100) == "0123");
        CHECK(handles.read(r.handle, 8, 100) == "89");
        CHECK(handles.read(r.handle, 10, 100).empty());
    }

    TEST_CASE("handles and written sizes are bounded, with messages that say what to do") {
        TempDir dir;
        StoreNamespace ns(dir.path / "store", "ns");
        StoreHandles handles(StoreLimits{.max_handles = 2, .max_file_bytes = 5 << 20}, nullptr);
        const std::string w = handles.open_write(ns, "big");
        handles.write(w, std::string(5 << 20, 'x'));
        CHECK(message_of([&] { handles.write(w, "y"); }) ==
              "fs_write \"big\": the file would pass 5 MiB (--store-max-file-mb); nothing of this "
              "write was kept");
        handles.open_write(ns, "other");
        CHECK(message_of([&] { handles.open_write(ns, "third"); }) ==
              "fs_open \"third\": this connection already holds 2 open handles (the limit); close "
              "some with fs_close");
        handles.close(w);
        CHECK(fs::file_size(dir.path / "store/ns/big") == (5u << 20));
    }

    TEST_CASE("a recursive rmdir removes links without following them") {
        TempDir dir;
        StoreNamespace ns(dir.path / "store", "ns");
        fs::create_directories(dir.path / "outside");
        std::ofstream(dir.path / "outside/keep.txt") << "keep";
        ns.mkdir("tree/inner");
        fs::create_directory_symlink(dir.path / "outside", dir.path / "store/ns/tree/inner/link");
        fs::create_symlink(dir.path / "outside/keep.txt", dir.path / "store/ns/tree/file-link");
        ns.rmdir("tree", true);
        CHECK_FALSE(fs::exists(dir.path / "store/ns/tree"));
        CHECK(contents(dir.path / "outside/keep.txt") == "keep");
    }

    TEST_CASE("a recursive rmdir walks a deep tree with a stack, and stops at 256 levels") {
        TempDir dir;
        StoreNamespace ns(dir.path / "store", "ns");
        auto build = [&](const char* top, int depth) {
            int at = ::openat(ns.fd(), top, O_RDONLY | O_DIRECTORY);
            if (at < 0) {
                REQUIRE(::mkdirat(ns.fd(), top, 0755) == 0);
                at = ::openat(ns.fd(), top, O_RDONLY | O_DIRECTORY);
            }
            for (int i = 0; i < depth; ++i) {
                REQUIRE(::mkdirat(at, "d", 0755) == 0);
                const int next = ::openat(at, "d", O_RDONLY | O_DIRECTORY);
                ::close(at);
                at = next;
            }
            ::close(at);
        };
        build("ok", 200);
        ns.rmdir("ok", true);
        CHECK_FALSE(ns.stat("ok").exists);
        build("deep", 300);
        CHECK(message_of([&] { ns.rmdir("deep", true); }) ==
              "fs_rmdir \"deep\": deeper than 256 levels; remove its deepest directories first");
    }

    TEST_CASE("a missing directory lists as empty; a symlinked one is refused") {
        TempDir dir;
        StoreNamespace ns(dir.path / "store", "ns");
        CHECK(ns.list_dir(".templates", 10).empty());
        fs::create_directory_symlink(dir.path, dir.path / "store/ns/up");
        CHECK(message_of([&] { ns.list_dir("up", 10); }) ==
              "store path \"up\": \"up\" is a symbolic link; the store never follows links");
        CHECK(ns.list_dir("", 10).empty());  // links are not listed
    }

}  // TEST_SUITE
