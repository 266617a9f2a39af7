// tls_context.cpp — loading the server's certificate and key into an OpenSSL context.
#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <sluice/errors.hpp>

#include "client_stream.hpp"

namespace sluice::server {
namespace {

// OpenSSL's reason for the last failure, e.g. "no start line" or "key values mismatch".
std::string openssl_reason() {
    unsigned long code = 0, last = 0;
    while ((code = ERR_get_error()) != 0) last = code;
    if (last == 0) return "unknown OpenSSL error";
    const char* reason = ERR_reason_error_string(last);
    return reason ? reason : fmt::format("OpenSSL error {:#x}", last);
}

}  // namespace

std::unique_ptr<ssl::context> make_tls_context(const std::filesystem::path& cert,
                                               const std::filesystem::path& key) {
    auto context = std::make_unique<ssl::context>(ssl::context::tls_server);
    context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                         ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                         ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
    SSL_CTX* native = context->native_handle();
    ERR_clear_error();
    if (SSL_CTX_use_certificate_chain_file(native, cert.c_str()) != 1)
        throw UsageError(
            fmt::format("--tls-cert {}: cannot be loaded ({}); give a PEM "
                        "certificate (chain) file",
                        cert.string(), openssl_reason()));
    if (SSL_CTX_use_PrivateKey_file(native, key.c_str(), SSL_FILETYPE_PEM) != 1)
        throw UsageError(
            fmt::format("--tls-key {}: cannot be loaded ({}); give the PEM private "
                        "key of --tls-cert {}",
                        key.string(), openssl_reason(), cert.string()));
    if (SSL_CTX_check_private_key(native) != 1)
        throw UsageError(
            fmt::format("--tls-key {}: does not match the certificate --tls-cert {} "
                        "({})",
                        key.string(), cert.string(), openssl_reason()));
    return context;
}

}  // namespace sluice::server
