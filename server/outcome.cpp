// outcome.cpp — engine exceptions to protocol failures, and failures to HTTP status codes.
#include "outcome.hpp"

#include <new>

#include <sluice/errors.hpp>

namespace sluice::server {

Outcome outcome_of(std::exception_ptr error) {
    try {
        std::rethrow_exception(error);
    } catch (const UnknownToken& e) {
        return Outcome::fail(Failure::not_found, e.what());
    } catch (const TaskTerminated& e) {
        return Outcome::fail(Failure::gone, e.what());
    } catch (const AlreadyRunning& e) {
        return Outcome::fail(Failure::conflict, e.what());
    } catch (const Busy& e) {
        return Outcome::fail(Failure::busy, e.what());
    } catch (const LimitExceeded& e) {
        return Outcome::fail(Failure::limit_reached, e.what());
    } catch (const Error& e) {  // JsonError, InvalidPipeline, UsageError
        return Outcome::fail(Failure::bad_request, e.what());
    } catch (const std::bad_alloc&) {
        return Outcome::fail(Failure::internal, "out of memory");
    } catch (const std::exception& e) {
        return Outcome::fail(Failure::internal, std::string("internal error: ") + e.what());
    } catch (...) {
        return Outcome::fail(Failure::internal, "internal error (non-standard exception)");
    }
}

int http_status(Failure failure) noexcept {
    switch (failure) {
        case Failure::none: return 200;
        case Failure::bad_request: return 400;
        case Failure::unauthorized: return 401;
        case Failure::not_found: return 404;
        case Failure::conflict: return 409;
        case Failure::gone: return 410;
        case Failure::too_large: return 413;
        case Failure::busy: return 429;
        case Failure::limit_reached: return 429;
        case Failure::unavailable: return 503;
        case Failure::internal: return 500;
    }
    return 500;
}

}  // namespace sluice::server
