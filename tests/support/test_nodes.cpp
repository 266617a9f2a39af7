// test_nodes.cpp — the test-only providers (see test_nodes.hpp).
#include "support/test_nodes.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <stdexcept>
#include <thread>
#include <vector>

#include <fmt/format.h>

namespace sluice::test {
namespace {

NodeInfo text_to_text(Concurrency c) {
    NodeInfo info;
    info.lanes = {{Lane::text, {Lane::text}}};
    info.concurrency = c;
    return info;
}

struct Upper final : Node {
    void process(Item item, Emitter& out) override {
        std::string s(item.data());
        for (char& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        out.emit(item.with(Lane::text, std::move(s)));
    }
};

struct Thrower final : Node {
    void process(Item item, Emitter& out) override {
        if (item.data().find("boom") != std::string_view::npos)
            throw std::runtime_error(fmt::format("boom in \"{}\"", item.data()));
        out.emit(std::move(item));
    }
};

// Emits nothing until the drain calls finish(): proves buffered items are not lost.
struct Buffer final : Node {
    std::vector<Item> held;
    void process(Item item, Emitter&) override { held.push_back(std::move(item)); }
    void finish(Emitter& out) override {
        for (Item& item : held) out.emit(std::move(item));
        held.clear();
    }
};

// Holds every item, then throws in finish(): what it held is lost, so the engine cannot go on
// with the task (it ends Failed).
struct FinishThrower final : Node {
    std::vector<Item> held;
    void process(Item item, Emitter&) override { held.push_back(std::move(item)); }
    void finish(Emitter&) override {
        throw std::runtime_error(fmt::format("lost {} item(s)", held.size()));
    }
};

// Waits (at most 60 s) until its task's stop token is requested, then reports that it saw it.
struct StopWaiter final : Node {
    std::shared_ptr<Valve> valve;  // counts arrivals; never opened
    void process(Item item, Emitter& out) override {
        std::mutex m;
        std::condition_variable_any cv;
        std::unique_lock lock(m);
        valve->arrive();
        std::stop_token stop = out.stop_token();
        // Returns the predicate (always false); whether the stop came is the token's to say.
        cv.wait_for(lock, stop, std::chrono::seconds(60), [] { return false; });
        stop_seen().fetch_add(stop.stop_requested() ? 1 : 0);
        out.emit(std::move(item));
    }
};

// Sleeps `ms` per item while tracking how many of its bodies run at once (process-wide).
struct ConcurrencyCounter final : Node {
    std::chrono::milliseconds ms;
    explicit ConcurrencyCounter(std::int64_t v) : ms(v) {}
    void process(Item item, Emitter& out) override {
        const int now = body_concurrency().running.fetch_add(1) + 1;
        int seen = body_concurrency().most.load();
        while (now > seen && !body_concurrency().most.compare_exchange_weak(seen, now)) {
        }
        std::this_thread::sleep_for(ms);  // the work itself, not synchronisation
        body_concurrency().running.fetch_sub(1);
        out.emit(std::move(item));
    }
};

struct Sleeper final : Node {
    std::chrono::milliseconds ms;
    explicit Sleeper(std::int64_t v) : ms(v) {}
    void process(Item item, Emitter& out) override {
        std::this_thread::sleep_for(ms);  // the work itself, not synchronisation
        out.emit(std::move(item));
    }
};

struct Gated final : Node {
    std::shared_ptr<Valve> valve;
    void process(Item item, Emitter& out) override {
        valve->pass();
        out.emit(std::move(item));
    }
};

// Counts space-separated words into the task status; warns about (and drops) empty text.
struct Words final : Node {
    void process(Item item, Emitter& out) override {
        if (item.data().empty()) {
            item.object().warn("empty text");
            return;
        }
        std::uint64_t words = 0;
        bool in_word = false;
        for (char c : item.data()) {
            const bool space = c == ' ';
            if (!space && !in_word) ++words;
            in_word = !space;
        }
        item.object().count_words(words, item.size());
        out.emit(std::move(item));
    }
};

std::mutex g_probe_mutex;
std::map<std::string, std::function<void(const Item&)>> g_probes;

struct Probe final : Node {
    std::function<void(const Item&)> hook;
    void process(Item item, Emitter& out) override {
        if (hook) hook(item);
        out.emit(std::move(item));
    }
};

template <typename T>
NodeFactory make() {
    return [](const NodeContext&) { return std::make_unique<T>(); };
}

}  // namespace

std::shared_ptr<Valve> Valve::get(const std::string& name) {
    static std::mutex m;
    static std::map<std::string, std::shared_ptr<Valve>> valves;
    std::lock_guard lock(m);
    auto& v = valves[name];
    if (!v) v = std::make_shared<Valve>();
    return v;
}

void Valve::open() {
    {
        std::lock_guard lock(mutex_);
        open_ = true;
    }
    cv_.notify_all();
}

void Valve::arrive() {
    {
        std::lock_guard lock(mutex_);
        arrived_.fetch_add(1);
    }
    cv_.notify_all();
}

BodyConcurrency& body_concurrency() {
    static BodyConcurrency counts;
    return counts;
}

std::atomic<int>& stop_seen() {
    static std::atomic<int> seen{0};
    return seen;
}

void Valve::pass() {
    std::unique_lock lock(mutex_);
    arrived_.fetch_add(1);
    cv_.notify_all();
    cv_.wait(lock, [&] { return open_; });
}

bool Valve::wait_arrivals(int n, std::chrono::milliseconds bound) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, bound, [&] { return arrived_.load() >= n; });
}

void set_probe(const std::string& name, std::function<void(const Item&)> hook) {
    std::lock_guard lock(g_probe_mutex);
    g_probes[name] = std::move(hook);
}

void register_test_nodes() {
    static std::once_flag once;
    std::call_once(once, [] {
        register_node("test_upper", text_to_text(Concurrency::serial), make<Upper>());
        register_node("test_throw", text_to_text(Concurrency::unlimited), make<Thrower>());
        register_node("test_words", text_to_text(Concurrency::unlimited), make<Words>());
        register_node("test_buffer", text_to_text(Concurrency::serial), make<Buffer>());
        register_node("test_sleep", text_to_text(Concurrency::unlimited),
                      [](const NodeContext& ctx) {
                          return std::make_unique<Sleeper>(ctx.config.get_int("ms", 10));
                      });
        register_node("test_valve", text_to_text(Concurrency::unlimited),
                      [](const NodeContext& ctx) {
                          auto node = std::make_unique<Gated>();
                          node->valve = Valve::get(ctx.config.get_string("valve", "default"));
                          return node;
                      });
        register_node("test_serial_valve", text_to_text(Concurrency::serial),
                      [](const NodeContext& ctx) {
                          auto node = std::make_unique<Gated>();
                          node->valve = Valve::get(ctx.config.get_string("valve", "default"));
                          return node;
                      });
        register_node("test_finish_throw", text_to_text(Concurrency::serial),
                      make<FinishThrower>());
        register_node("test_stop_wait", text_to_text(Concurrency::unlimited),
                      [](const NodeContext& ctx) {
                          auto node = std::make_unique<StopWaiter>();
                          node->valve = Valve::get(ctx.config.get_string("valve", "default"));
                          return node;
                      });
        NodeInfo blocking = text_to_text(Concurrency::serial);
        blocking.blocking = true;
        register_node("test_blocking_sleep", blocking, [](const NodeContext& ctx) {
            return std::make_unique<Sleeper>(ctx.config.get_int("ms", 10));
        });
        NodeInfo blocking_unlimited = text_to_text(Concurrency::unlimited);
        blocking_unlimited.blocking = true;
        register_node("test_blocking_valve", blocking_unlimited, [](const NodeContext& ctx) {
            auto node = std::make_unique<Gated>();
            node->valve = Valve::get(ctx.config.get_string("valve", "default"));
            return node;
        });
        for (Concurrency c : {Concurrency::serial, Concurrency::unlimited}) {
            NodeInfo counted = text_to_text(c);
            counted.blocking = true;
            register_node(c == Concurrency::serial ? "test_blocking_count_serial"
                                                   : "test_blocking_count_unlimited",
                          counted, [](const NodeContext& ctx) {
                              return std::make_unique<ConcurrencyCounter>(
                                  ctx.config.get_int("ms", 5));
                          });
        }
        register_node("test_probe", text_to_text(Concurrency::unlimited),
                      [](const NodeContext& ctx) {
                          auto node = std::make_unique<Probe>();
                          std::lock_guard lock(g_probe_mutex);
                          node->hook = g_probes[ctx.config.get_string("probe", "default")];
                          return node;
                      });
    });
}

std::string chain_pipeline(std::initializer_list<std::string> middle,
                           const std::string& middle_config) {
    std::vector<std::pair<std::string, std::string>> configured;
    for (const std::string& provider : middle) configured.emplace_back(provider, middle_config);
    return chain_pipeline_with(configured);
}

std::string chain_pipeline_with(const std::vector<std::pair<std::string, std::string>>& middle) {
    std::string components =
        R"({"id": "in", "provider": "webhook", "config": {"mode": "Source"}})";
    std::string prev = "in";
    int i = 0;
    for (const auto& [provider, config] : middle) {
        std::string id = fmt::format("n{}", i++);
        components += fmt::format(
            R"(, {{"id": "{}", "provider": "{}", "config": {}, "input": [{{"lane": "text", "from": "{}"}}]}})",
            id, provider, config, prev);
        prev = id;
    }
    components += fmt::format(
        R"(, {{"id": "out", "provider": "response", "config": {{}}, "input": [{{"lane": "text", "from": "{}"}}]}})",
        prev);
    return fmt::format(R"({{"components": [{}]}})", components);
}

}  // namespace sluice::test
