// dap_client.hpp — a blocking client of the DAP WebSocket protocol, as RocketRide's client
// sends objects: one request at a time (so the next message is its response), each object
// three round trips (rrext_process open, write as a binary frame, close).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/websocket.hpp>

#include <sluice/json.hpp>

namespace bench {

class DapClient {
public:
    // Connects to 127.0.0.1:`port`, upgrades on /task/service and authenticates with `key`.
    DapClient(unsigned short port, std::string_view key);
    // One request; throws AccountingError naming the command when it does not succeed.
    sluice::Json call(std::string_view command, std::string_view arguments,
                      std::string_view data = {}, bool binary = false);
    // One object: open, write `text`, close; true when the result carries one text value.
    bool send(const std::string& token, std::string_view text);

private:
    boost::asio::io_context ioc_;
    boost::beast::websocket::stream<boost::asio::ip::tcp::socket> ws_;
    std::int64_t seq_ = 0;
};

}  // namespace bench
