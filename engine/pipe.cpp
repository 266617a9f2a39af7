// pipe.cpp — one object streamed in chunks: open admits the object, each write puts one item on
// the pipe's lane, close drops the pipe's hold so the object can complete.
#include <fmt/format.h>

#include "runtime.hpp"
#include "task.hpp"

namespace sluice {
namespace detail {

std::shared_ptr<PipeState> Task::open_pipe(ObjectInfo info, std::string_view mime,
                                           Admission admission) {
    if (!life_.gate().enter()) throw_terminated();
    GateTicket ticket(life_.gate());
    auto pipe = std::make_shared<PipeState>();
    ObjectState* object = admit(shared_from_this(), 0, mime, std::move(info), admission);
    if (!object) return nullptr;
    pipe->task = shared_from_this();
    pipe->result = std::make_shared<ResultChannel>();
    // Set before the object is visible to any worker; close() decides how the result is taken.
    object->answer = [channel = pipe->result](Result result) { channel->set(std::move(result)); };
    pipe->object_id = std::string(object->id_view());
    pipe->lane = entry_lane(mime);
    pipe->object = ObjectRef(object);
    std::lock_guard lock(pipes_mutex_);
    pipes_.insert(pipe.get());
    return pipe;
}

void Task::write_pipe(PipeState& pipe, std::string_view bytes) {
    std::lock_guard lock(pipe.mutex);
    if (pipe.closed) throw UsageError(fmt::format("pipe for object {} is closed", pipe.object_id));
    if (pipe.sealed || !life_.gate().enter()) throw_terminated();
    GateTicket ticket(life_.gate());
    // A pipe's bytes count against max_task_bytes as they arrive; a write cannot wait (its
    // object already holds capacity), so one that would pass the limit is refused.
    if (config_.max_task_bytes != 0) {
        std::uint64_t held = live_bytes_.load(std::memory_order_relaxed);
        do {
            if (held + bytes.size() > config_.max_task_bytes)
                throw LimitExceeded(fmt::format(
                    "task {} holds {} bytes in flight; a write of {} more would pass "
                    "max_task_bytes={}; wait for results, or close the pipe",
                    config_.token, held, bytes.size(), config_.max_task_bytes));
        } while (!live_bytes_.compare_exchange_weak(held, held + bytes.size(),
                                                    std::memory_order_seq_cst));
    }
    bytes_in_.fetch_add(bytes.size(), std::memory_order_relaxed);
    object_state(pipe.object.core())->size_in += bytes.size();
    inject(Item(pipe.lane, pipe.object, std::make_shared<const std::string>(bytes), nullptr,
                pipe.writes++));
}

std::future<Result> Task::close_pipe(PipeState& pipe) {
    std::shared_ptr<ResultChannel> channel = hand_over(pipe);
    std::future<Result> result = channel->future();
    return result;
}

void Task::close_pipe(PipeState& pipe, ResultCallback on_result) {
    std::shared_ptr<ResultChannel> channel = hand_over(pipe);
    try {
        channel->then(std::move(on_result));  // runs it here if the object is already done
    } catch (const std::exception& e) {
        record_error(fmt::format("a result callback threw: {}", e.what()));
    }
}

// Closes the pipe: drops its hold on the object (which may complete it right here, so the
// channel keeps the result until the caller takes it).
std::shared_ptr<ResultChannel> Task::hand_over(PipeState& pipe) {
    ObjectRef hold;
    {
        std::lock_guard lock(pipe.mutex);
        if (pipe.closed)
            throw UsageError(fmt::format("pipe for object {} is already closed", pipe.object_id));
        pipe.closed = true;
        hold = std::move(pipe.object);
    }
    {
        std::lock_guard lock(pipes_mutex_);
        pipes_.erase(&pipe);
    }
    // Taken before the hold goes: the channel must outlive the completion it receives.
    std::shared_ptr<ResultChannel> channel = pipe.result;
    hold.reset();
    return channel;
}

}  // namespace detail

Pipe::Pipe(std::shared_ptr<detail::PipeState> state) noexcept : state_(std::move(state)) {}
Pipe::Pipe(Pipe&&) noexcept = default;
Pipe& Pipe::operator=(Pipe&& other) noexcept {
    if (this != &other) {
        if (is_open()) (void)close_async();
        state_ = std::move(other.state_);
    }
    return *this;
}

Pipe::~Pipe() {
    if (is_open()) (void)close_async();
}

void Pipe::write(std::string_view bytes) {
    if (!state_) throw UsageError("write on a moved-from pipe");
    state_->task->write_pipe(*state_, bytes);
}

std::future<Result> Pipe::close_async() {
    if (!state_) throw UsageError("close on a moved-from pipe");
    return state_->task->close_pipe(*state_);
}

void Pipe::close_then(ResultCallback on_result) {
    if (!state_) throw UsageError("close on a moved-from pipe");
    state_->task->close_pipe(*state_, std::move(on_result));
}

Result Pipe::close() { return close_async().get(); }

bool Pipe::is_open() const noexcept {
    if (!state_) return false;
    std::lock_guard lock(state_->mutex);
    return !state_->closed;
}

std::string_view Pipe::object_id() const noexcept {
    return state_ ? std::string_view(state_->object_id) : std::string_view();
}

}  // namespace sluice
