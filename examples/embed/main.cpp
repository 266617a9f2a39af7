// main.cpp — embedding sluice: start a pipeline, send one object, print its result, terminate.
// The README shows this file; `./sluice.sh test` builds it against the installed package.
#include <iostream>

#include <sluice/sluice.hpp>

int main() {
    const char* pipeline = R"({"source": "in", "components": [
        {"id": "in", "provider": "webhook", "config": {"mode": "Source"}},
        {"id": "out", "provider": "response", "input": [{"lane": "text", "from": "in"}]}]})";
    sluice::Engine engine;
    sluice::Token token = engine.use(pipeline);  // builds the flow graph; throws if invalid
    sluice::ObjectInfo info;
    info.name = "greeting";
    sluice::Result result = engine.send(token, "hello from an embedder", "text/plain", info);
    std::cout << sluice::to_json(result) << '\n';
    sluice::TaskStatus status = engine.terminate(token).get();  // gate closes, drain, dead
    std::cout << status.accepted << " accepted, " << status.completed << " completed, "
              << status.failed << " failed\n";
    return result.ok() ? 0 : 1;
}
