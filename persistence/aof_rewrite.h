// An AOF base written as RESP commands (aof-use-rdb-preamble no): the
// shortest commands that rebuild each key, with PEXPIREAT for deadlines.
#pragma once

#include <string>

#include "persistence/rdb_codec.h"
#include "storage/keyspace.h"

namespace ember::persistence {

bool WriteAofRewrite(const storage::Keyspace& keyspace, Sink* sink, std::string* error);

}  // namespace ember::persistence
