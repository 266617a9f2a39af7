// mime.hpp — the MIME type `sluice run` sends a file with, chosen by its extension.
#pragma once

#include <string>
#include <string_view>

namespace sluice::cli {

// .txt -> text/plain, .md -> text/markdown, .json -> application/json, .csv -> text/csv,
// .html/.htm -> text/html; anything else application/octet-stream. Case-insensitive.
std::string mime_for_path(std::string_view path);

// What stdin is sent as when no --mime is given: text, so `echo hi | sluice run` works.
inline constexpr std::string_view k_stdin_mime = "text/plain";

}  // namespace sluice::cli
