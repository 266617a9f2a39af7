// bench_inputs.cpp — loading the inputs of `sluice bench` once.
#include "bench_inputs.hpp"

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <memory>
#include <optional>
#include <system_error>

#include <unistd.h>

#include <fmt/format.h>

#include <sluice/errors.hpp>

#include "input_reader.hpp"
#include "inputs.hpp"
#include "interrupt.hpp"
#include "mime.hpp"

namespace sluice::cli {
namespace {

namespace fs = std::filesystem;

class Loader {
public:
    explicit Loader(const BenchOptions& options) : options_(options) {}

    std::vector<BenchInput> load() {
        for (const std::string& input : options_.inputs) {
            if (input == "-")
                load_stdin();
            else if (is_directory(input))
                load_directory(input);
            else
                add(input);
        }
        if (loaded_.empty())
            throw UsageError("bench: no input objects (empty stdin?); give files or a directory");
        return std::move(loaded_);
    }

private:
    static bool is_directory(const std::string& path) {
        std::error_code ec;
        return fs::is_directory(path, ec);
    }

    void load_directory(const std::string& dir) {
        std::vector<std::string> files;
        std::error_code ec;
        for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec)) {
            std::error_code file_ec;
            if (entry.is_regular_file(file_ec)) files.push_back(entry.path().string());
        }
        if (ec) throw UsageError(cannot_read(dir, ec.value()));
        if (files.empty())
            throw UsageError(
                fmt::format("{}: a directory with no files in it; give one with the "
                            "inputs to replay",
                            dir));
        std::sort(files.begin(), files.end());
        for (const std::string& file : files) add(file);
    }

    void load_stdin() {
        Interrupt never;  // inputs are read before any signal handling starts
        if (!options_.lines) {
            std::string text;
            if (read_whole(STDIN_FILENO, never, text) != ReadStatus::ok)
                throw UsageError(cannot_read("stdin", errno));
            add_named("stdin", mime_or(std::string(k_stdin_mime)), std::move(text));
            return;
        }
        LineReader reader(STDIN_FILENO, never);
        std::uint64_t number = 0;
        while (std::optional<std::string> line = reader.next())
            add_named(fmt::format("stdin:{}", ++number), mime_or(std::string(k_stdin_mime)),
                      std::move(*line));
        if (reader.status() == ReadStatus::error)
            throw UsageError(cannot_read("stdin", reader.error()));
    }

    std::string mime_or(std::string by_name) const {
        return options_.mime.empty() ? std::move(by_name) : options_.mime;
    }

    void add(const std::string& path) {
        std::error_code ec;
        const std::uintmax_t size = fs::file_size(path, ec);  // checked before reading it all
        if (!ec) check_room(size);
        add_named(base_name(path), mime_or(mime_for_path(path)), read_file(path));
    }

    void check_room(std::uint64_t more) const {
        if (more > k_max_bench_input_bytes - std::min(bytes_, k_max_bench_input_bytes))
            throw UsageError(fmt::format(
                "bench: the inputs pass {} GiB, the most kept in memory; bench a sample of them",
                k_max_bench_input_bytes >> 30));
    }

    void add_named(std::string name, std::string mime, std::string data) {
        check_room(data.size());
        bytes_ += data.size();
        loaded_.push_back({std::move(name), std::move(mime),
                           std::make_shared<const std::string>(std::move(data))});
    }

    const BenchOptions& options_;
    std::vector<BenchInput> loaded_;
    std::uint64_t bytes_ = 0;
};

}  // namespace

std::vector<BenchInput> load_bench_inputs(const BenchOptions& options) {
    return Loader(options).load();
}

}  // namespace sluice::cli
