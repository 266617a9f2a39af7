// sluice/errors.hpp — the one exception hierarchy thrown across the public API.
// Messages read where -> what -> hint, so a user can act on them without the source.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace sluice {

class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Malformed JSON text: carries the byte offset and the 1-based line/column of the fault.
class JsonError : public Error {
public:
    JsonError(const std::string& message, std::size_t offset, std::size_t line, std::size_t column)
        : Error(message), offset_(offset), line_(line), column_(column) {}
    std::size_t offset() const noexcept { return offset_; }
    std::size_t line() const noexcept { return line_; }
    std::size_t column() const noexcept { return column_; }

private:
    std::size_t offset_, line_, column_;
};

// One problem found in a pipeline. `component` is empty for pipeline-level problems.
struct Problem {
    std::string component;
    std::string message;
};

// A pipeline that cannot run. what() lists every problem, one per line.
class InvalidPipeline : public Error {
public:
    explicit InvalidPipeline(std::vector<Problem> problems);
    const std::vector<Problem>& problems() const noexcept { return problems_; }

private:
    std::vector<Problem> problems_;
};

class UnknownToken : public Error {
public:
    using Error::Error;
};

// The task behind the token closed its gate (draining or dead); it never accepts work again.
class TaskTerminated : public Error {
public:
    using Error::Error;
};

// A caller-chosen token names a task that is still running.
class AlreadyRunning : public Error {
public:
    using Error::Error;
};

// The task stayed at max_inflight for longer than the send timeout.
class Busy : public Error {
public:
    using Error::Error;
};

// A node's config it cannot run with, thrown by its factory; use() reports it as an
// InvalidPipeline naming the component.
class ConfigError : public Error {
public:
    using Error::Error;
};

// A limit of the engine was reached (EngineOptions::max_tasks, ...): the message names the
// limit and its value. Retrying later may succeed.
class LimitExceeded : public Error {
public:
    using Error::Error;
};

// A cluster (NATS JetStream, cluster mode) could not do something: unreachable, timed out, a
// stream missing. The message names the step and a hint; retrying later may succeed.
class ClusterError : public Error {
public:
    using Error::Error;
};

// Bad arguments to an API call (e.g. an empty provider name, a pipe used after close).
class UsageError : public Error {
public:
    using Error::Error;
};

}  // namespace sluice
