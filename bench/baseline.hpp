// baseline.hpp — the pieces of the hand-written oneTBB graphs: a message carrying its payload
// and the promise that answers its sender, and the sink that fulfils it the way sluice's
// response node collects text (chunk + "\n\n").
#pragma once

#include <cstddef>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include <oneapi/tbb/flow_graph.h>

namespace bench {

using Payload = std::shared_ptr<const std::string>;

struct Msg {
    Payload payload;
    std::promise<std::string>* promise = nullptr;
};

inline void fulfil(const Msg& m) {
    std::string result;
    result.append(*m.payload);
    result.append("\n\n");
    m.promise->set_value(std::move(result));
}

// The promises and futures of one baseline run, made per item inside the timed region (as
// sluice makes one per object).
struct Answers {
    std::vector<std::promise<std::string>> promises;
    std::vector<std::future<std::string>> futures;
    explicit Answers(std::size_t n) : promises(n) { futures.reserve(n); }
    std::promise<std::string>* next() {
        std::promise<std::string>* p = &promises[futures.size()];
        futures.push_back(p->get_future());
        return p;
    }
    void wait_all() {
        for (auto& f : futures) f.get();
    }
};

using PassNode = tbb::flow::function_node<Msg, Msg>;
using SinkNode = tbb::flow::function_node<Msg>;

inline Msg pass(const Msg& m) { return m; }

}  // namespace bench
