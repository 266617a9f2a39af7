// run_command.cpp — `sluice run`: one task over a pipeline, inputs in, JSON lines out.
//
// Order of events: parse options; check the pipeline and every input (exit 2 before any task
// starts); block SIGINT/SIGTERM (before any thread exists); start the task; send each input
// with send_async while ResultWriter prints results in input order; at the end of the input or
// on the first signal, terminate (the gate closes, everything accepted drains and is printed);
// print the summary from the final status.
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <sluice/engine.hpp>
#include <sluice/errors.hpp>

#include "chunk_window.hpp"
#include "commands.hpp"
#include "input_reader.hpp"
#include "inputs.hpp"
#include "interrupt.hpp"
#include "messages.hpp"
#include "mime.hpp"
#include "pipeline_file.hpp"
#include "progress.hpp"
#include "result_writer.hpp"
#include "run_options.hpp"
#include "signals.hpp"
#include "summary.hpp"
#include "task_stopper.hpp"

namespace sluice::cli {
namespace {

// At the end of the input nothing is cut short: the drain takes as long as the pipeline needs.
// (A year stands for "no deadline"; a second Ctrl-C still ends the process.)
constexpr std::chrono::milliseconds k_no_deadline = std::chrono::hours(24 * 365);

// A file larger than this many chunks (--chunk-mb) goes in as a pipe of chunks, not whole.
constexpr std::uint64_t k_stream_threshold_chunks = 4;
// Chunks of a streamed file that may wait inside the task at once (at most --max-inflight).
constexpr std::size_t k_max_chunks_waiting = 16;

// Feeds the inputs of one run into its task.
class Sender {
public:
    Sender(Engine& engine, const Token& token, const RunOptions& options, const Interrupt& stop,
           ResultWriter& writer, ChunkWindow& window)
        : engine_(engine),
          token_(token),
          options_(options),
          stop_(stop),
          writer_(writer),
          window_(window) {}

    // Sends every input until the end or an interrupt; false when an input could not be read.
    bool send_all() {
        bool all_read = true;
        for (const std::string& input : options_.inputs) {
            if (stop_.requested() || closed_) break;
            if (input == "-" && options_.lines)
                all_read &= send_lines(STDIN_FILENO);
            else if (input == "-")
                all_read &= send_whole(STDIN_FILENO, input);
            else
                all_read &= send_file(input);
        }
        return all_read;
    }

private:
    // `input` is a path or "-" (stdin).
    std::string mime_for(const std::string& input) const {
        if (!options_.mime.empty()) return options_.mime;
        return input == "-" ? std::string(k_stdin_mime) : mime_for_path(input);
    }

    bool send_file(const std::string& path) {
        int fd = open_input(path);
        if (fd < 0) {  // it was readable when checked; it changed since
            print_error(cannot_read(path, errno));
            return false;
        }
        struct stat info {};
        const bool large = ::fstat(fd, &info) == 0 && S_ISREG(info.st_mode) &&
                           static_cast<std::uint64_t>(info.st_size) >
                               k_stream_threshold_chunks * options_.chunk_bytes;
        bool ok = large ? send_streamed(fd, path) : send_whole(fd, path);
        ::close(fd);
        return ok;
    }

    // One object as a pipe of --chunk-mb chunks, read one at a time: memory stays near the
    // chunk size times the window, whatever the file's size.
    bool send_streamed(int fd, const std::string& path) {
        ObjectInfo info;
        info.name = base_name(path);
        info.path = path;
        std::optional<Pipe> pipe;
        try {
            pipe.emplace(engine_.open_pipe(token_, info, mime_for(path)));
        } catch (const TaskTerminated&) {
            closed_ = true;
            return true;
        }
        window_.start();
        std::string chunk;
        ReadStatus status = ReadStatus::ok;
        try {
            for (std::uint64_t written = 0; !stop_.requested();) {
                status = read_up_to(fd, stop_, chunk, options_.chunk_bytes);
                if (status != ReadStatus::ok || chunk.empty()) break;
                pipe->write(chunk);
                window_.wait_room(++written, stop_);
            }
        } catch (const TaskTerminated&) {
            closed_ = true;  // a signal closed the gate: the object is still answered
        }
        writer_.push(info.name, pipe->close_async());
        if (status != ReadStatus::error) return true;
        print_error(cannot_read(path, errno));
        return false;
    }

    // One object: the whole of `fd`, named after the file ("stdin" for "-").
    bool send_whole(int fd, const std::string& input) {
        const bool is_stdin = input == "-";
        auto data = std::make_shared<std::string>();
        switch (read_whole(fd, stop_, *data)) {
            case ReadStatus::interrupted: return true;
            case ReadStatus::error:
                print_error(cannot_read(is_stdin ? "stdin" : input, errno));
                return false;
            case ReadStatus::ok: break;
        }
        send(std::move(data), mime_for(input), is_stdin ? "stdin" : base_name(input),
             is_stdin ? "" : input);
        return true;
    }

    bool send_lines(int fd) {
        LineReader reader(fd, stop_);
        const std::string mime = mime_for("-");
        std::uint64_t number = 0;
        while (!closed_) {
            std::optional<std::string> line = reader.next();
            if (!line) break;
            ++number;
            send(std::make_shared<std::string>(std::move(*line)), mime,
                 "stdin:" + std::to_string(number), "");
        }
        if (reader.status() != ReadStatus::error) return true;
        print_error(cannot_read("stdin", reader.error()));
        return false;
    }

    void send(std::shared_ptr<std::string> data, const std::string& mime, std::string name,
              std::string path) {
        ObjectInfo info;
        info.name = name;
        info.path = std::move(path);
        try {
            writer_.push(std::move(name), engine_.send_async(token_, Payload(std::move(data)), mime,
                                                             std::move(info)));
        } catch (const TaskTerminated&) {
            closed_ = true;  // a signal closed the gate first: this object was not accepted
        }
    }

    Engine& engine_;
    const Token& token_;
    const RunOptions& options_;
    const Interrupt& stop_;
    ResultWriter& writer_;
    ChunkWindow& window_;
    bool closed_ = false;
};

struct Outcome {
    TaskStatus status;
    std::uint64_t failed_results = 0;
    bool all_read = true;
};

// Runs the task from use() to its final status. Throws InvalidPipeline when a node rejects
// its config at use().
Outcome run_task(Engine& engine, const PipelineSpec& spec, const RunOptions& options,
                 Interrupt& stop, TaskStopper& stopper) {
    UseOptions use;
    use.threads = options.threads;
    use.max_inflight = options.max_inflight;
    const Token token = engine.use(spec, use);
    stopper.arm(engine, token);
    struct Disarm {  // before `engine` goes: the watcher thread must not reach it any more
        TaskStopper& stopper;
        ~Disarm() { stopper.disarm(); }
    } disarm{stopper};

    // A reader that went away (EPIPE with SIGPIPE ignored) ends the run like a SIGPIPE would.
    ResultWriter writer(options.max_inflight, stdout, [&] {
        stop.request(SIGPIPE);
        stopper.stop(options.deadline);
    });
    std::optional<Progress> progress;
    if (Progress::wanted(options.quiet)) progress.emplace([&writer] { return writer.done(); });

    Outcome outcome;
    ChunkWindow window(engine, token, spec,
                       std::min<std::size_t>(options.max_inflight, k_max_chunks_waiting));
    outcome.all_read = Sender(engine, token, options, stop, writer, window).send_all();
    stopper.stop(k_no_deadline);  // no-op when a signal stopped it first (with --deadline)
    writer.finish();              // every accepted object's result, in order
    outcome.status = stopper.wait_drained();
    outcome.failed_results = writer.failed();
    if (progress) progress->stop();
    return outcome;
}

int exit_code(const Outcome& outcome, const Interrupt& stop) {
    if (int signal = stop.signal()) return 128 + signal;
    if (!outcome.all_read) return 2;
    return outcome.status.failed > 0 || outcome.failed_results > 0 ? 1 : 0;
}

int execute(const RunOptions& options, const PipelineSpec& spec) {
    Interrupt stop;
    TaskStopper stopper;
    SignalWatcher watcher([&](int signal) {
        stop.request(signal);
        stopper.stop(options.deadline);
    });
    EngineOptions engine_options;
    engine_options.worker_threads = options.threads;
    engine_options.default_max_inflight = options.max_inflight;
    engine_options.drain_deadline = options.deadline;
    engine_options.pipeline_limits.max_components = options.max_components;
    engine_options.pipeline_limits.nodes.data_root = options.data_dir;
    Engine engine(engine_options);

    Outcome outcome;
    try {
        outcome = run_task(engine, spec, options, stop, stopper);
    } catch (const InvalidPipeline& e) {  // a node rejected its config when the task was built
        print_file_error(options.pipeline, e.what());
        return 2;
    }
    if (!options.quiet) print_error(format_summary(outcome.status));
    watcher.stop();  // a signal that raced with the end of the run still sets the exit code
    return exit_code(outcome, stop);
}

}  // namespace

int run_command(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (arg == "--") break;
        if (arg == "--help" || arg == "-h") {
            std::fputs(k_run_usage, stdout);
            return 0;
        }
    }
    RunOptions options;
    try {
        options = parse_run_options(argc, argv);
    } catch (const UsageError& e) {
        print_error(e.what());
        return 2;
    }
    if (!options.data_dir.empty() && !std::filesystem::is_directory(options.data_dir)) {
        print_error(
            fmt::format("--data-dir {}: no such directory; create it first", options.data_dir));
        return 2;
    }
    std::optional<PipelineSpec> spec =
        load_pipeline(options.pipeline, PipelineLimits{options.max_components});
    if (!spec) return 2;
    std::vector<std::string> unreadable = unreadable_inputs(options.inputs);
    for (const std::string& message : unreadable) print_error(message);
    if (!unreadable.empty()) return 2;
    return execute(options, *spec);
}

}  // namespace sluice::cli
