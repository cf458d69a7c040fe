#include "client/subscriber.h"

#include <strings.h>

#include <utility>

namespace ember::client {

namespace {

bool KindIs(const Value& v, const char* kind) { return strcasecmp(v.str().c_str(), kind) == 0; }

}  // namespace

Subscriber::Subscriber(Options options) : conn_(std::move(options)) {}

Result<std::optional<Message>> Subscriber::ReadOne(Millis timeout) {
  if (!conn_.WaitReadable(timeout)) return std::optional<Message>();
  Result<Value> r = conn_.ReadValue(conn_.options().read_timeout);
  if (!r.ok()) {
    need_resubscribe_ = true;
    return r.error();
  }
  const Value& v = *r;
  if (v.IsError()) return Error(ErrorKind::kServer, v.str());
  const auto& e = v.elements();
  if (!v.IsAggregate() || e.size() < 3) {
    return Error(ErrorKind::kProtocol, "unexpected reply in pub/sub mode: " + v.DebugString());
  }
  Message m;
  if (KindIs(e[0], "message")) {
    m.channel = e[1].str();
    m.payload = e[2].str();
    return std::optional<Message>(std::move(m));
  }
  if (KindIs(e[0], "pmessage") && e.size() == 4) {
    m.pattern = e[1].str();
    m.channel = e[2].str();
    m.payload = e[3].str();
    return std::optional<Message>(std::move(m));
  }
  // A confirmation: ["subscribe", name, count] and the like.
  if (KindIs(e[0], "subscribe")) {
    channels_.insert(e[1].str());
  } else if (KindIs(e[0], "unsubscribe")) {
    channels_.erase(e[1].str());
  } else if (KindIs(e[0], "psubscribe")) {
    patterns_.insert(e[1].str());
  } else if (KindIs(e[0], "punsubscribe")) {
    patterns_.erase(e[1].str());
  } else if (!KindIs(e[0], "pong")) {
    return Error(ErrorKind::kProtocol, "unexpected push in pub/sub mode: " + v.DebugString());
  }
  m.channel = e[1].str();
  m.pattern = "\x01confirm";  // internal marker, never returned to the caller
  m.payload = std::string(e[0].str());
  return std::optional<Message>(std::move(m));
}

Status Subscriber::Change(const char* command, const std::vector<std::string>& names) {
  if (!conn_.connected()) {
    Status s = Reconnect();
    if (!s.ok()) return s;
  }
  bool is_pattern = command[0] == 'P';
  size_t expected = names.size();
  if (expected == 0) {
    // Unsubscribing from all: one confirmation per subscription, or a
    // single one with a nil name when there was none.
    size_t have = is_pattern ? patterns_.size() : channels_.size();
    expected = have == 0 ? 1 : have;
  }
  Args args = {command};
  args.insert(args.end(), names.begin(), names.end());
  std::string encoded;
  EncodeCommand(args, &encoded);
  Status s = conn_.WriteAll(encoded);
  if (!s.ok()) {
    need_resubscribe_ = true;
    return s;
  }
  std::string want = command;
  for (char& c : want) c = static_cast<char>(tolower(c));
  size_t seen = 0;
  while (seen < expected) {
    auto r = ReadOne(conn_.options().read_timeout);
    if (!r.ok()) return r.error();
    if (!*r) {
      conn_.Drop();
      need_resubscribe_ = true;
      return Error(ErrorKind::kTimeout, std::string(command) + " was not confirmed in time");
    }
    Message& m = **r;
    if (m.pattern == "\x01confirm") {
      if (m.payload == want) ++seen;
    } else {
      pending_.push_back(std::move(m));
    }
  }
  return {};
}

Status Subscriber::Reconnect() {
  Status s = conn_.EnsureConnected();
  if (!s.ok()) return s;
  need_resubscribe_ = false;
  std::vector<std::string> channels(channels_.begin(), channels_.end());
  std::vector<std::string> patterns(patterns_.begin(), patterns_.end());
  if (!channels.empty()) {
    s = Change("SUBSCRIBE", channels);
    if (!s.ok()) return s;
  }
  if (!patterns.empty()) s = Change("PSUBSCRIBE", patterns);
  return s;
}

Status Subscriber::Subscribe(const std::vector<std::string>& channels) {
  if (channels.empty()) return Error(ErrorKind::kUsage, "SUBSCRIBE needs a channel");
  return Change("SUBSCRIBE", channels);
}

Status Subscriber::PSubscribe(const std::vector<std::string>& patterns) {
  if (patterns.empty()) return Error(ErrorKind::kUsage, "PSUBSCRIBE needs a pattern");
  return Change("PSUBSCRIBE", patterns);
}

Status Subscriber::Unsubscribe(const std::vector<std::string>& channels) {
  return Change("UNSUBSCRIBE", channels);
}

Status Subscriber::PUnsubscribe(const std::vector<std::string>& patterns) {
  return Change("PUNSUBSCRIBE", patterns);
}

Result<std::optional<Message>> Subscriber::Next(Millis timeout) {
  if (!pending_.empty()) {
    Message m = std::move(pending_.front());
    pending_.pop_front();
    return std::optional<Message>(std::move(m));
  }
  if (need_resubscribe_ || !conn_.connected()) {
    Status s = Reconnect();
    if (!s.ok()) return s.error();
  }
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    Millis left = timeout;
    if (timeout.count() > 0) {
      left = std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::optional<Message>();
    }
    auto r = ReadOne(left);
    if (!r.ok() || !*r) return r;
    if ((*r)->pattern != "\x01confirm") return r;
  }
}

Status Subscriber::Listen(const std::function<bool(const Message&)>& on_message,
                          const std::atomic<bool>& stop, Millis poll) {
  bool failed_before = false;
  while (!stop.load()) {
    auto r = Next(poll);
    if (!r.ok()) {
      // The first failure drops the connection; the next Next() reconnects,
      // and a second failure in a row means that did not work.
      if (!r.error().IsConnection() || failed_before) return r.error();
      failed_before = true;
      continue;
    }
    failed_before = false;
    if (*r && !on_message(**r)) return {};
  }
  return {};
}

}  // namespace ember::client
