// inflight.cpp — publish a result, ack its input after the publish ack, retry without Nak.
#include "inflight.hpp"

#include <vector>

namespace sluice::cluster {

Inflight::~Inflight() {
    for (auto& [key, entry] : entries_) {
        natsMsg_Destroy(entry.input);
        natsMsg_Destroy(entry.result);
    }
}

std::size_t Inflight::free_slots() {
    std::lock_guard lock(mutex_);
    return entries_.size() >= capacity_ ? 0 : capacity_ - entries_.size();
}

std::size_t Inflight::size() {
    std::lock_guard lock(mutex_);
    return entries_.size();
}

WorkerCounts Inflight::counts() {
    std::lock_guard lock(mutex_);
    return counts_;
}

bool Inflight::start(std::uint64_t key, natsMsg* input) {
    std::lock_guard lock(mutex_);
    auto [it, inserted] = entries_.try_emplace(key);
    if (!inserted) return false;  // a redelivery of what runs or is held here already
    it->second.input = input;
    return true;
}

void Inflight::drop(std::uint64_t key) {
    {
        std::lock_guard lock(mutex_);
        auto it = entries_.find(key);
        if (it == entries_.end()) return;
        natsMsg_Ack(it->second.input, nullptr);
        natsMsg_Destroy(it->second.input);
        natsMsg_Destroy(it->second.result);
        entries_.erase(it);
    }
    changed_.notify_all();
}

void Inflight::finish(std::uint64_t key, const std::string& subject, const std::string& msg_id,
                      const std::string& body, const std::string& error) {
    natsMsg* result = nullptr;
    if (natsMsg_Create(&result, subject.c_str(), nullptr, body.data(),
                       static_cast<int>(body.size())) != NATS_OK)
        return;  // out of memory: no ack, so NATS redelivers the object after AckWait
    natsMsgHeader_Set(result, k_header_msg_id, msg_id.c_str());
    if (!error.empty()) natsMsgHeader_Set(result, k_header_error, error.c_str());
    {
        std::lock_guard lock(mutex_);
        auto it = entries_.find(key);
        if (it == entries_.end()) {
            natsMsg_Destroy(result);
            return;
        }
        it->second.result = result;
        it->second.ok = error.empty();
        by_result_[result] = key;
    }
    publish(key, result);
}

void Inflight::publish(std::uint64_t key, natsMsg* result) {
    natsMsg* owned = result;
    jsPubOptions options;
    jsPubOptions_Init(&options);
    // A publish ack lost with a crashed server must come back as an error to resend; without
    // MaxWait, 3.4.1 waits for it forever and the object never completes.
    options.MaxWait = 2'000;
    // On success the library owns the message until it calls on_publish_ack with it.
    if (js_PublishMsgAsync(js_, &owned, &options) == NATS_OK) return;
    std::lock_guard lock(mutex_);
    ++counts_.publish_retries;
    retry_.push_back(key);
}

void Inflight::on_publish_ack(natsMsg* result, jsPubAck* ack, jsPubAckErr* error) {
    std::unique_lock lock(mutex_);
    auto by = by_result_.find(result);
    if (by == by_result_.end()) {
        natsMsg_Destroy(result);
        return;
    }
    const std::uint64_t key = by->second;
    if (!ack || error) {
        // The message stays ours (by_result_) and is resent by tick() with the same id.
        ++counts_.publish_retries;
        retry_.push_back(key);
        return;
    }
    by_result_.erase(by);
    auto it = entries_.find(key);
    if (ack->Duplicate) ++counts_.duplicates;
    if (it != entries_.end()) {
        ++(it->second.ok ? counts_.completed : counts_.failed);
        natsMsg_Ack(it->second.input, nullptr);
        natsMsg_Destroy(it->second.input);
        entries_.erase(it);
    }
    natsMsg_Destroy(result);
    lock.unlock();
    changed_.notify_all();
}

void Inflight::tick(std::chrono::milliseconds in_progress_every) {
    std::vector<std::pair<std::uint64_t, natsMsg*>> resend;
    {
        std::lock_guard lock(mutex_);
        for (std::uint64_t key : retry_) {
            auto it = entries_.find(key);
            if (it != entries_.end() && it->second.result)
                resend.emplace_back(key, it->second.result);
        }
        retry_.clear();
        const auto now = std::chrono::steady_clock::now();
        if (now - last_progress_ >= in_progress_every) {
            last_progress_ = now;
            // Acks and InProgress go out on the connection without waiting for a reply.
            for (auto& [key, entry] : entries_) natsMsg_InProgress(entry.input, nullptr);
        }
    }
    for (auto& [key, result] : resend) publish(key, result);
}

void Inflight::wait_for_slot(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, timeout, [&] { return entries_.size() < capacity_; });
}

bool Inflight::wait_at_most(std::size_t count, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return entries_.size() <= count; });
}

bool Inflight::wait_empty(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock lock(mutex_);
    return changed_.wait_until(lock, deadline, [&] { return entries_.empty(); });
}

}  // namespace sluice::cluster
