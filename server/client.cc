#include "server/client.h"

namespace ember::server {

Client::Client(uint64_t id, ClientTransport* transport)
    : id_(id), transport_(transport), writer_(&output_, 2) {}

}  // namespace ember::server
