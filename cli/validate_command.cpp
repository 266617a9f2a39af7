// validate_command.cpp — `sluice validate PIPELINE.pipe`: "ok" (and any warnings) on stdout,
// or every problem on stderr and exit 1. The pipeline is also built once, exactly as `run`
// would build it, so a config that a node rejects is caught here too.
#include <cstdio>
#include <string>

#include <sluice/engine.hpp>
#include <sluice/errors.hpp>
#include <sluice/json.hpp>
#include <sluice/pipeline.hpp>

#include "commands.hpp"
#include "inputs.hpp"
#include "messages.hpp"

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

}  // namespace

int validate_command(int argc, char** argv) {
    if (argc != 2 || std::string_view(argv[1]).starts_with("-")) {
        print_error("usage: sluice validate PIPELINE.pipe");
        return 2;
    }
    const std::string path = argv[1];
    PipelineSpec spec;
    try {
        const Json document = Json::parse(read_file(path));
        std::vector<Problem> problems = validate_pipeline(document);
        if (!problems.empty()) throw InvalidPipeline(std::move(problems));
        spec = parse_pipeline(document);
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
