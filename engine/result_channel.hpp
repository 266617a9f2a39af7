// result_channel.hpp — one object's answer, set once by the task and taken either as a future
// or by a callback, whichever the caller asks for, before or after the answer exists. Pipes
// need this: the object is admitted at open(), but how its result is wanted is only known at
// close().
#pragma once

#include <exception>
#include <future>
#include <mutex>
#include <optional>

#include <sluice/engine.hpp>

namespace sluice::detail {

class ResultChannel {
public:
    void set(Result result);  // lets what a callback throws through
    std::future<Result> future();      // at most once, and not with then()
    void then(ResultCallback callback);  // runs `callback` now if the result is already set

private:
    enum class Taker { none, future, callback };
    std::mutex mutex_;
    Taker taker_ = Taker::none;
    std::optional<Result> value_;
    std::promise<Result> promise_;
    ResultCallback callback_;
};

}  // namespace sluice::detail
