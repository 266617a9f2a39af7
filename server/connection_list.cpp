// connection_list.cpp — the open connections, so shutdown can close each with a reason.
#include "server_context.hpp"

#include <vector>

namespace sluice::server {

void ConnectionList::add(const std::shared_ptr<Connection>& c) {
    std::lock_guard lock(mutex_);
    open_.emplace(c.get(), c);
}

void ConnectionList::remove(const Connection* c) {
    std::lock_guard lock(mutex_);
    open_.erase(c);
}

void ConnectionList::close_all(bool force) {
    std::vector<std::shared_ptr<Connection>> all;
    {
        std::lock_guard lock(mutex_);
        for (auto& [raw, weak] : open_)
            if (auto c = weak.lock()) all.push_back(std::move(c));
    }
    for (auto& c : all) c->close_for_shutdown(force);  // outside the lock: it may call remove()
}

}  // namespace sluice::server
