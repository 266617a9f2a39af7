// uuid.hpp — random identifiers: object ids, project ids and engine-made tokens.
#pragma once

#include <array>
#include <string>

namespace sluice::detail {

using UuidText = std::array<char, 36>;

// A random (version 4) UUID in lowercase 8-4-4-4-12 form.
UuidText make_uuid() noexcept;
std::string make_uuid_string();
// An engine-made token: "tk_" + 32 random hex digits (128 bits; never reissued in practice).
std::string make_token();

}  // namespace sluice::detail
