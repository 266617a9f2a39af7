// dap_client.cpp — the blocking DAP client of scenario 7 and its per-object probe.
#include "dap_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <fmt/format.h>

#include "harness.hpp"

namespace bench {

namespace net = boost::asio;
using tcp = net::ip::tcp;

DapClient::DapClient(unsigned short port, std::string_view key) : ws_(ioc_) {
    tcp::resolver resolver(ioc_);
    net::connect(ws_.next_layer(), resolver.resolve("127.0.0.1", std::to_string(port)));
    ws_.handshake("127.0.0.1", "/task/service");
    call("auth", fmt::format(R"({{"auth":"{}"}})", key));
}

sluice::Json DapClient::call(std::string_view command, std::string_view arguments,
                             std::string_view data, bool binary) {
    std::string message =
        fmt::format(R"({{"type":"request","seq":{},"command":"{}","arguments":{}}})", ++seq_,
                    command, arguments);
    ws_.binary(binary);
    if (binary) {
        message += '\n';
        message += data;
    }
    ws_.write(net::buffer(message));
    boost::beast::flat_buffer buffer;
    ws_.read(buffer);
    sluice::Json reply = sluice::Json::parse(boost::beast::buffers_to_string(buffer.data()));
    if (!reply.get_bool("success", false))
        throw AccountingError(
            fmt::format("7_server: {} failed: {}", command, reply.get_string("message")));
    return reply;
}

bool DapClient::send(const std::string& token, std::string_view text) {
    sluice::Json opened = call(
        "rrext_process",
        fmt::format(R"({{"subcommand":"open","token":"{}","object":{{}},"mimeType":"text/plain"}})",
                    token));
    const std::int64_t id = opened.find("body")->get_int("pipe_id", 0);
    const std::string pipe = fmt::format(R"("token":"{}","pipe_id":{})", token, id);
    call("rrext_process", fmt::format(R"({{"subcommand":"write",{}}})", pipe), text, true);
    sluice::Json closed =
        call("rrext_process", fmt::format(R"({{"subcommand":"close",{}}})", pipe));
    const sluice::Json* result = closed.find("body")->find("text");
    return result && result->is_array() && result->as_array().size() == 1;
}

}  // namespace bench
