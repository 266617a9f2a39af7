// tasks.cpp — what both task backends share: argument checks, validation, service definitions.
#include "tasks.hpp"

#include <fmt/format.h>

#include <sluice/errors.hpp>
#include <sluice/node.hpp>

#include "arguments.hpp"
#include "service_definitions.hpp"

namespace sluice::server {

const Json& pipeline_argument(const Json& arguments) {
    const Json* pipeline = arguments.find("pipeline");
    if (!pipeline || pipeline->is_null())
        throw UsageError("Missing pipeline configuration: argument \"pipeline\" is required");
    if (!pipeline->is_object())
        throw UsageError(fmt::format("argument \"pipeline\" must be an object, got {}",
                                     to_string(pipeline->type())));
    return *pipeline;
}

UseOptions use_options(const Json& json) {
    Arguments args{json};
    UseOptions o;
    o.token = args.string("token");
    if (const Json* t = args.get("threads", Json::Type::integer, "an integer")) {
        if (t->as_int() < 1 || t->as_int() > 1024)
            throw UsageError(
                fmt::format("argument \"threads\" must be 1 to 1024, got {}", t->as_int()));
        o.threads = static_cast<unsigned>(t->as_int());
    }
    if (const Json* ttl = args.get("ttl", Json::Type::number, "a number of seconds")) {
        if (ttl->as_double() < 0) throw UsageError("argument \"ttl\" must not be negative");
        o.ttl = ttl->as_double();
    }
    if (const Json* e = args.get("useExisting", Json::Type::boolean, "true or false"))
        o.use_existing = e->as_bool();
    o.name = args.string("name");
    o.source = args.string("source");
    return o;
}

Json execute_body(const std::string& token, const std::string& project_id,
                  const std::string& source, const std::string& provider) {
    return Json(Json::Object{{"token", token},
                             {"id", fmt::format("{}.{}", token.substr(0, 8), source)},
                             {"projectId", project_id},
                             {"source", source},
                             {"provider", provider}});
}

Outcome require_token(const Json& arguments, std::string& token) {
    const Json* t = arguments.find("token");
    if (t && !t->is_null() && !t->is_string())
        return Outcome::fail(Failure::bad_request, "argument \"token\" must be a string");
    token = t && t->is_string() ? t->as_string() : std::string();
    if (token.empty()) return Outcome::fail(Failure::bad_request, "Task token is required");
    return Outcome::success();
}

Outcome Tasks::validate(const Json& arguments) const {
    return guarded([&] {
        const Json& pipeline = pipeline_argument(arguments);
        std::string source = Arguments{arguments}.string("source");
        Json::Array errors, warnings;
        for (const Problem& p : validate_pipeline(pipeline, source, limits_))
            errors.emplace_back(p.component.empty()
                                    ? p.message
                                    : fmt::format("component \"{}\": {}", p.component, p.message));
        if (errors.empty()) {
            for (std::string& w : parse_pipeline(pipeline, source, limits_).warnings)
                warnings.emplace_back(std::move(w));
        }
        return Outcome::success(Json(Json::Object{{"pipeline", pipeline},
                                                  {"errors", Json(std::move(errors))},
                                                  {"warnings", Json(std::move(warnings))}}));
    });
}

// The answer lives in service_definitions.cpp.
Outcome Tasks::services(const Json& arguments) const { return service_definitions(arguments); }

}  // namespace sluice::server
