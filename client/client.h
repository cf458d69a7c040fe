// The Ember client library: a small, synchronous C++ client for Ember and
// for Redis (it speaks plain RESP2 and uses nothing Ember-specific).
//
// It is built on the protocol layer the server uses: requests are encoded by
// protocol::ReplyWriter (a request is an array of bulk strings), replies are
// read by protocol::ParseReply into protocol::Value. The CMake target
// `client` links `protocol` only.
//
// Tour (each header states its contracts):
//
//   client/result.h      Result<T>, Status, Error, ErrorKind. Errors are values:
//                        every call is [[nodiscard]]; an error reply is an
//                        Error of kind kServer, never a Value to be mistaken
//                        for data; I/O failures (kIo, kTimeout, kProtocol)
//                        are kept apart from it.
//   client/connection.h  Options {host, port, username, password, db,
//                        client_name, connect/read/write timeouts, reconnect
//                        attempts and backoff}.
//                        Connection: Connect(), Command({...}) ->
//                        Result<Value>, BlockingCommand({...}, block) (the
//                        read deadline is the block time plus read_timeout).
//                        A dropped connection is re-established before the
//                        next command with exponential backoff and jitter,
//                        re-running AUTH, SELECT and CLIENT SETNAME. A command
//                        whose request may have reached the server is never
//                        resent: its caller gets the error.
//                        Pipeline: Add()... Execute() -> one write, all
//                        replies, each its own Result.
//                        Transaction: MULTI/queued/EXEC in one round trip;
//                        ExecReply{aborted, replies}.
//                        WatchRetry(conn, keys, body, max_attempts): the
//                        optimistic check-and-set loop.
//                        AsOptionalString / AsInteger / AsStatus / AsStrings:
//                        typed views of a reply.
//   client/subscriber.h  Subscriber: (P)SUBSCRIBE, (P)UNSUBSCRIBE,
//                        Next(timeout) -> Result<optional<Message>>,
//                        Listen(callback, stop); resubscribes after a
//                        reconnect.
//   client/pool.h        Pool(options, size): Acquire(wait) -> Result<Lease>,
//                        an RAII lease on one connection; thread-safe.
//
// Threads: a Connection or Subscriber belongs to one thread at a time; a
// Pool is shared.
//
// Example:
//   ember::client::Options o;
//   o.port = 6379;
//   ember::client::Connection conn(o);
//   auto set = conn.Command({"SET", "greeting", "hello", "EX", 60});
//   if (!set.ok()) { log(set.error().ToString()); return; }
//   auto got = ember::client::AsOptionalString(conn.Command({"GET", "greeting"}));
//   if (got.ok() && *got) use(**got);
//
//   // Increment a counter stored as text, safely against other writers:
//   auto r = ember::client::WatchRetry(conn, {"counter"},
//       [](auto& c, auto& tx) -> ember::client::Status {
//         auto v = ember::client::AsOptionalString(c.Command({"GET", "counter"}));
//         if (!v.ok()) return v.error();
//         tx.Add({"SET", "counter", std::stoll(v->value_or("0")) + 1});
//         return {};
//       });
#pragma once

#include "client/connection.h"
#include "client/pool.h"
#include "client/result.h"
#include "client/subscriber.h"
