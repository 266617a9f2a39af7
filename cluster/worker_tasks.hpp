// worker_tasks.hpp — a worker's local tasks, one per cluster token, built on demand from the
// pipeline stored in KV: the same graph and nodes as local mode. An idle task ends by ttl and
// is rebuilt by the next object of its token.
#pragma once

#include <string>
#include <unordered_map>
#include <variant>

#include <sluice/engine.hpp>

#include "layout.hpp"
#include "token_state.hpp"

namespace sluice::cluster {

class WorkerTasks {
public:
    WorkerTasks(Engine& engine, TokenStore& tokens, double idle_ttl)
        : engine_(engine), tokens_(tokens), idle_ttl_(idle_ttl) {}

    // The local task of `token`, or why its objects cannot run (a failed result's text).
    std::variant<Token, std::string> task(const std::string& token);
    // Forgets the local task (it ended by ttl): the next task() builds it again.
    void forget(const std::string& token) { tasks_.erase(token); }

private:
    Engine& engine_;
    TokenStore& tokens_;
    double idle_ttl_;
    std::unordered_map<std::string, Token> tasks_;
};

}  // namespace sluice::cluster
