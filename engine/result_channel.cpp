// result_channel.cpp — the one-shot hand-over of an object's result to a future or a callback.
#include "result_channel.hpp"

#include <utility>

namespace sluice::detail {

void ResultChannel::set(Result result) {
    std::unique_lock lock(mutex_);
    switch (taker_) {
        case Taker::none: value_ = std::move(result); return;
        case Taker::future: promise_.set_value(std::move(result)); return;
        case Taker::callback: {
            ResultCallback callback = std::move(callback_);
            lock.unlock();
            callback(std::move(result));
            return;
        }
    }
}

std::future<Result> ResultChannel::future() {
    std::lock_guard lock(mutex_);
    taker_ = Taker::future;
    std::future<Result> f = promise_.get_future();
    if (value_) {
        promise_.set_value(std::move(*value_));
        value_.reset();
    }
    return f;
}

void ResultChannel::then(ResultCallback callback) {
    std::unique_lock lock(mutex_);
    if (!value_) {
        taker_ = Taker::callback;
        callback_ = std::move(callback);
        return;
    }
    Result result = std::move(*value_);
    value_.reset();
    lock.unlock();
    callback(std::move(result));
}

}  // namespace sluice::detail
