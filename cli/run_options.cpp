// run_options.cpp — parsing `sluice run PIPELINE.pipe [INPUT ...] [options]`.
#include "run_options.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <string_view>

#include <fmt/format.h>

#include <sluice/errors.hpp>

namespace sluice::cli {

const char* const k_run_usage =
    "usage: sluice run PIPELINE.pipe [INPUT ...] [options]\n"
    "\n"
    "Sends each INPUT file through the pipeline as one object and prints each result as one\n"
    "JSON line on stdout, in input order. INPUT '-' (or no INPUT) reads stdin.\n"
    "\n"
    "options:\n"
    "  --lines             each line of stdin is one object (named stdin:<line number>)\n"
    "  --mime TYPE         send every input as TYPE (default: by file extension; stdin is\n"
    "                      text/plain)\n"
    "  --threads N         the task's concurrency (default: hardware threads)\n"
    "  --max-inflight N    objects in flight at once (default 1024)\n"
    "  --deadline SECONDS  after Ctrl-C/SIGTERM, how long the drain may take (default 30)\n"
    "  --max-components N the most components a pipeline may have (default 10000)\n"
    "  --data-dir DIR      nodes read and write files only inside DIR (relative paths are\n"
    "                      taken from it); default: anywhere, as the user\n"
    "  --chunk-mb N        a file over 4 x N MiB is sent as a pipe of N MiB chunks read one\n"
    "                      at a time, so memory stays near N x min(--max-inflight, 16)\n"
    "                      (default 1; fractions allowed, from 0.001)\n"
    "  --quiet             no progress display and no summary on stderr\n";

unsigned long long parse_count(std::string_view option, std::string_view text) {
    unsigned long long value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value == 0)
        throw UsageError(fmt::format("{} expects a positive integer, got \"{}\"", option, text));
    return value;
}

namespace {

std::chrono::milliseconds parse_seconds(std::string_view option, std::string_view text) {
    double value = -1;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || !(value >= 0) ||
        !std::isfinite(value) || value > 1e6)
        throw UsageError(
            fmt::format("{} expects seconds (a number >= 0), got \"{}\"", option, text));
    return std::chrono::milliseconds(static_cast<long long>(std::llround(value * 1000)));
}

// Megabytes (MiB), fractions allowed, from 1 KiB to 1 GiB; returns bytes.
std::size_t parse_chunk_mb(std::string_view option, std::string_view text) {
    double value = -1;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || !(value >= 1.0 / 1024) ||
        !(value <= 1024))
        throw UsageError(fmt::format("{} expects megabytes from 0.001 (1 KiB) to 1024, got \"{}\"",
                                     option, text));
    return static_cast<std::size_t>(std::llround(value * (1 << 20)));
}

// Splits "--name=value"; `value` is empty when there is no '='.
std::pair<std::string_view, std::optional<std::string_view>> split_option(std::string_view arg) {
    std::size_t eq = arg.find('=');
    if (eq == std::string_view::npos) return {arg, std::nullopt};
    return {arg.substr(0, eq), arg.substr(eq + 1)};
}

struct ArgCursor {
    int argc;
    char** argv;
    int index;

    std::string_view take_value(std::string_view option,
                                std::optional<std::string_view> inline_value) {
        if (inline_value) return *inline_value;
        if (index + 1 >= argc) throw UsageError(fmt::format("{} needs a value", option));
        return argv[++index];
    }
};

// Applies one option; false when `arg` is not an option of `run`.
bool apply_option(RunOptions& options, ArgCursor& cursor, std::string_view arg) {
    auto [name, value] = split_option(arg);
    if (name == "--lines" || name == "--quiet") {
        if (value) throw UsageError(fmt::format("{} takes no value", name));
        (name == "--lines" ? options.lines : options.quiet) = true;
    } else if (name == "--mime") {
        options.mime = cursor.take_value(name, value);
        if (options.mime.empty()) throw UsageError("--mime needs a type, e.g. text/plain");
    } else if (name == "--threads") {
        auto threads = parse_count(name, cursor.take_value(name, value));
        options.threads = static_cast<unsigned>(std::min<unsigned long long>(threads, 4096));
    } else if (name == "--max-inflight") {
        options.max_inflight = parse_count(name, cursor.take_value(name, value));
    } else if (name == "--deadline") {
        options.deadline = parse_seconds(name, cursor.take_value(name, value));
    } else if (name == "--max-components") {
        options.max_components = parse_count(name, cursor.take_value(name, value));
    } else if (name == "--data-dir") {
        options.data_dir = cursor.take_value(name, value);
        if (options.data_dir.empty()) throw UsageError("--data-dir needs a directory");
    } else if (name == "--chunk-mb") {
        options.chunk_bytes = parse_chunk_mb(name, cursor.take_value(name, value));
    } else {
        return false;
    }
    return true;
}

}  // namespace

RunOptions parse_run_options(int argc, char** argv) {
    RunOptions options;
    std::vector<std::string> positional;
    bool only_positional = false;
    ArgCursor cursor{argc, argv, 1};
    for (; cursor.index < argc; ++cursor.index) {
        std::string_view arg = argv[cursor.index];
        if (only_positional || arg == "-" || !arg.starts_with("-")) {
            positional.emplace_back(arg);
        } else if (arg == "--") {
            only_positional = true;
        } else if (!apply_option(options, cursor, arg)) {
            throw UsageError(fmt::format("unknown option \"{}\" for run; see 'sluice help'", arg));
        }
    }
    if (positional.empty()) throw UsageError("run needs a pipeline file; see 'sluice help'");
    options.pipeline = positional.front();
    options.inputs.assign(positional.begin() + 1, positional.end());
    if (options.inputs.empty()) options.inputs.emplace_back("-");
    std::size_t stdin_count = 0;
    for (const std::string& input : options.inputs) stdin_count += input == "-";
    if (stdin_count > 1) throw UsageError("stdin (\"-\") can be an input only once");
    return options;
}

}  // namespace sluice::cli
