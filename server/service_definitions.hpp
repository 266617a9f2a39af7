// service_definitions.hpp — rrext_services: each provider of the node registry (built-in and
// registered alike) described in the shape of RocketRide's services.json.
#pragma once

#include <sluice/json.hpp>
#include <sluice/node.hpp>

#include "outcome.hpp"

namespace sluice::server {

// One provider: title, protocol ("<name>://"), prefix, classType, capabilities, description,
// lanes (RocketRide's map, "_source" for a source), input (RocketRide's list form), the config
// fields as a JSON Schema (`schema`), as RocketRide fields (`fields`) and as a form (`shape`),
// plus sluice's concurrency and blocking.
Json service_definition(const Provider& provider);

// {} -> {"services": {name: definition, ...}, "version": 1}; {"service": "x"} -> the one
// definition ("x" or "x://", any case), or a not_found failure "Service 'x' not found. ...".
Outcome service_definitions(const Json& arguments);

}  // namespace sluice::server
