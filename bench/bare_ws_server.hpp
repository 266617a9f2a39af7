// bare_ws_server.hpp — scenario 7's second baseline: the least a server can do for the
// protocol's three requests per object (rrext_process open, write, close). Boost.Beast
// WebSocket on /task/service, on as many I/O threads as `sluice serve`, each request parsed by
// sluice's own DAP parser and each response written by its own writer (the protocol's cost),
// with fixed bodies and no engine behind them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace bench {

// Objects a BareWsServer answered, summed over its connections.
struct BareCounts {
    std::uint64_t opened = 0, closed = 0;
};

// What the bare server can add back of sluice's path, one piece at a time, to measure what
// each costs (the probe's runs; scenario 7's baseline uses none).
struct BareHops {
    bool post_responses = false;   // every answer posted to its connection's strand, as
                                   // WsSession::respond does
    bool close_elsewhere = false;  // the close answered from another thread and posted back, as
                                   // the engine's worker answers a pipe close
};

class BareWsServer {
public:
    // The response body sluice's echo pipeline sends for a pipe close of "tiny object" (copied
    // from a run): the bare server answers every close with it.
    static const std::string k_close_body;

    // Listens on 127.0.0.1 (an ephemeral port) and serves on `io_threads` threads until
    // destroyed. A connection must send `auth` with `key` before anything else.
    BareWsServer(unsigned io_threads, std::string key, BareHops hops = {});
    ~BareWsServer();
    BareWsServer(const BareWsServer&) = delete;
    BareWsServer& operator=(const BareWsServer&) = delete;

    unsigned short port() const noexcept;
    // Read after the clients got their last answer (see the .cpp for the ordering).
    BareCounts counts() const noexcept;

private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace bench
