#include "server/client.h"

#include "server/pubsub.h"

namespace ember::server {

Client::Client(uint64_t id, ClientTransport* transport)
    : id_(id), transport_(transport), writer_(&output_, 2) {}

Client::~Client() = default;

ClientSubscriptions& Client::EnsureSubscriptions() {
  if (subscriptions_ == nullptr) subscriptions_ = std::make_unique<ClientSubscriptions>();
  return *subscriptions_;
}

}  // namespace ember::server
