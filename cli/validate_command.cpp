// validate_command.cpp — `sluice validate PIPELINE.pipe`: "ok" (and any warnings) on stdout,
// or every problem on stderr and exit 1 (exit 2: unreadable, or over --max-components). The
// pipeline is also built once, exactly as `run` would build it, so a config that a node
// rejects is caught here too.
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include <sluice/engine.hpp>
#include <sluice/errors.hpp>
#include <sluice/json.hpp>
#include <sluice/pipeline.hpp>

#include "commands.hpp"
#include "inputs.hpp"
#include "messages.hpp"
#include "pipeline_file.hpp"
#include "run_options.hpp"

namespace sluice::cli {
namespace {

// Starts the pipeline in a throwaway engine and terminates it at once.
void build_once(const PipelineSpec& spec) {
    EngineOptions options;
    options.worker_threads = 1;
    Engine engine(options);
    Token token = engine.use(spec);
    engine.terminate(token).get();
}

// PIPELINE.pipe [--max-components N]; nullopt after printing the usage error.
std::optional<std::string> parse_validate_args(int argc, char** argv, PipelineLimits& limits) {
    std::optional<std::string> path;
    try {
        for (int i = 1; i < argc; ++i) {
            std::string_view arg = argv[i];
            if (arg == "--max-components" && i + 1 < argc)
                limits.max_components = parse_count(arg, argv[++i]);
            else if (arg.starts_with("--max-components="))
                limits.max_components = parse_count("--max-components", arg.substr(17));
            else if (!path && !arg.starts_with("-"))
                path = std::string(arg);
            else
                throw UsageError("usage: sluice validate PIPELINE.pipe [--max-components N]");
        }
        if (!path) throw UsageError("usage: sluice validate PIPELINE.pipe [--max-components N]");
    } catch (const UsageError& e) {
        print_error(e.what());
        return std::nullopt;
    }
    return path;
}

}  // namespace

int validate_command(int argc, char** argv) {
    PipelineLimits limits;
    std::optional<std::string> given = parse_validate_args(argc, argv, limits);
    if (!given) return 2;
    const std::string& path = *given;
    PipelineSpec spec;
    try {
        const Json document = Json::parse(read_file(path));
        std::vector<Problem> problems = validate_pipeline(document, {}, limits);
        if (over_pipeline_limits(problems)) {
            print_file_error(path, problems[0].message);
            return 2;
        }
        if (!problems.empty()) throw InvalidPipeline(std::move(problems));
        spec = parse_pipeline(document, {}, limits);
        build_once(spec);
    } catch (const UsageError& e) {  // the file cannot be read
        print_error(e.what());
        return 2;
    } catch (const Error& e) {  // JsonError or InvalidPipeline: one line per problem
        print_file_error(path, e.what());
        return 1;
    }
    std::puts("ok");
    for (const std::string& warning : spec.warnings) std::printf("warning: %s\n", warning.c_str());
    return 0;
}

}  // namespace sluice::cli
