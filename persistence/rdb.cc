#include "persistence/rdb.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include "persistence/crc64.h"
#include "persistence/file_sink.h"
#include "persistence/rdb_format.h"
#include "persistence/rdb_values.h"
#include "storage/numbers.h"

namespace ember::persistence {

namespace {

constexpr char kRedisVersion[] = "7.0.15";

void WriteAux(RdbEncoder& enc, std::string_view name, std::string_view value) {
  enc.Byte(rdb::kOpAux);
  enc.String(name);
  enc.String(value);
}

}  // namespace

bool WriteRdb(const storage::Keyspace& keyspace, const RdbWriteOptions& options, Sink* sink,
              std::string* error) {
  RdbEncoder enc(sink, options.compress);
  char magic[10];
  std::snprintf(magic, sizeof(magic), "REDIS%04d", rdb::kVersionWritten);
  enc.Raw(magic, 9);
  WriteAux(enc, "redis-ver", kRedisVersion);
  WriteAux(enc, "redis-bits", "64");
  WriteAux(enc, "ctime", storage::Int64ToString(options.now_ms / 1000));
  WriteAux(enc, "used-mem", storage::Int64ToString(static_cast<int64_t>(options.used_memory)));
  WriteAux(enc, "aof-base", options.aof_preamble ? "1" : "0");

  for (int i = 0; i < keyspace.num_databases() && enc.ok(); ++i) {
    const storage::Database& db = keyspace.db(i);
    if (db.size() == 0) continue;
    enc.Byte(rdb::kOpSelectDb);
    enc.Length(static_cast<uint64_t>(i));
    enc.Byte(rdb::kOpResizeDb);
    enc.Length(db.size());
    enc.Length(db.volatile_count());
    db.ForEach([&](const storage::Entry* e) {
      if (!enc.ok()) return;
      if (e->has_expire()) {
        enc.Byte(rdb::kOpExpireTimeMs);
        enc.Millis(e->expire_at());
      }
      WriteKeyValue(enc, e);
    });
  }
  enc.Byte(rdb::kOpEof);
  if (options.checksum) {
    enc.Checksum();
  } else {
    const uint8_t zero[8] = {};
    enc.Raw(zero, 8);
  }
  if (!enc.ok()) {
    *error = sink->error();
    return false;
  }
  return true;
}

bool SyncDirectoryOf(const std::string& path, std::string* error) {
  std::string dir = ".";
  size_t slash = path.rfind('/');
  if (slash != std::string::npos) dir = slash == 0 ? "/" : path.substr(0, slash);
  int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) {
    *error = "Can't open directory " + dir + ": " + std::strerror(errno);
    return false;
  }
  bool ok = fsync(fd) == 0;
  if (!ok) *error = "Can't fsync directory " + dir + ": " + std::strerror(errno);
  close(fd);
  return ok;
}

bool SaveRdbFile(const storage::Keyspace& keyspace, const RdbWriteOptions& options,
                 const std::string& path, std::string* error) {
  std::string dir;
  size_t slash = path.rfind('/');
  if (slash != std::string::npos) dir = path.substr(0, slash + 1);
  std::string temp = dir + "temp-" + std::to_string(getpid()) + ".rdb";
  FileSink file;
  if (!file.Open(temp)) {
    *error = "Failed opening the temp RDB file " + temp + " (in server root dir " +
             (dir.empty() ? std::string(".") : dir) + ") for saving: " + file.error();
    return false;
  }
  bool ok = WriteRdb(keyspace, options, &file, error) && file.Sync();
  if (ok && !file.Close()) ok = false;
  if (!ok) {
    if (error->empty()) *error = file.error();
    file.Close();
    unlink(temp.c_str());
    return false;
  }
  if (rename(temp.c_str(), path.c_str()) != 0) {
    *error = "Error moving temp DB file " + temp + " on the final destination " + path + ": " +
             std::strerror(errno);
    unlink(temp.c_str());
    return false;
  }
  return SyncDirectoryOf(path, error);
}

bool ReadRdb(const uint8_t* data, size_t size, storage::Keyspace* keyspace,
             const RdbLoadOptions& options, RdbLoadResult* result, std::string* error) {
  RdbDecoder dec(data, size);
  auto fail = [&](const std::string& why) {
    dec.Fail(why);
    *error = dec.error();
    keyspace->FlushAll();  // never leave a half-loaded keyspace
    return false;
  };
  const uint8_t* magic;
  if (!dec.Bytes(9, &magic)) return fail("file too short for the RDB header");
  if (std::memcmp(magic, "REDIS", 5) != 0) return fail("wrong signature trying to load DB");
  int version = 0;
  for (int i = 5; i < 9; ++i) {
    if (magic[i] < '0' || magic[i] > '9') return fail("wrong signature trying to load DB");
    version = version * 10 + (magic[i] - '0');
  }
  if (version < 1 || version > rdb::kMaxVersionRead) {
    return fail("can't handle RDB format version " + std::to_string(version));
  }
  result->version = version;
  keyspace->RefreshTime();
  const int64_t now = keyspace->now_ms();
  int db_index = 0;
  int64_t expire_at = -1;
  for (;;) {
    uint8_t type;
    if (!dec.Byte(&type)) return fail(dec.error().empty() ? "unexpected end of file" : "");
    switch (type) {
      case rdb::kOpExpireTimeMs:
        if (!dec.Millis(&expire_at)) return fail("");
        continue;
      case rdb::kOpExpireTime:
        if (!dec.Seconds(&expire_at)) return fail("");
        continue;
      case rdb::kOpIdle: {
        uint64_t idle;
        if (!dec.Length(&idle)) return fail("");
        continue;
      }
      case rdb::kOpFreq: {
        uint8_t freq;
        if (!dec.Byte(&freq)) return fail("");
        continue;
      }
      case rdb::kOpSelectDb: {
        uint64_t n;
        if (!dec.Length(&n)) return fail("");
        if (n >= static_cast<uint64_t>(keyspace->num_databases())) {
          return fail(
              "FATAL: Data file was created with a Redis server configured to handle "
              "more than " +
              std::to_string(keyspace->num_databases()) + " databases");
        }
        db_index = static_cast<int>(n);
        continue;
      }
      case rdb::kOpResizeDb: {
        uint64_t size_hint, expires_hint;
        if (!dec.Length(&size_hint) || !dec.Length(&expires_hint)) return fail("");
        // Size the table once, as Redis does, instead of doubling it all
        // the way up. A key takes at least 3 bytes of file, so a corrupt
        // hint cannot make us allocate more than the file could hold.
        keyspace->db(db_index).Reserve(
            static_cast<size_t>(std::min<uint64_t>(size_hint, dec.remaining() / 3)));
        continue;
      }
      case rdb::kOpAux: {
        std::string name, value;
        if (!dec.String(&name) || !dec.String(&value)) return fail("");
        continue;  // metadata Ember does not need (redis-ver, lua scripts...)
      }
      case rdb::kOpFunction2:
      case rdb::kOpFunction: {
        std::string code;
        if (!dec.String(&code)) return fail("");
        continue;  // Ember has no functions: a library is skipped
      }
      case rdb::kOpModuleAux:
        return fail("modules are not supported");
      case rdb::kOpEof: {
        size_t end = dec.offset();
        if (version >= 5) {
          const uint8_t* trailer;
          if (!dec.Bytes(8, &trailer)) return fail("the checksum is missing");
          uint64_t stored = 0;
          for (int i = 7; i >= 0; --i) stored = (stored << 8) | trailer[i];
          uint64_t actual = Crc64(0, data, end);
          if (stored != 0 && stored != actual) return fail("wrong RDB checksum");
        }
        result->bytes = dec.offset();
        return true;
      }
      default:
        break;
    }
    // A key and its value.
    std::string key;
    if (!dec.String(&key)) return fail("");
    storage::Database& db = keyspace->db(db_index);
    bool expired = options.skip_expired && expire_at != -1 && expire_at <= now;
    if (!expired && options.allow_duplicates) db.Delete(key);
    LoadOutcome outcome;
    if (!ReadValue(dec, type, key, expired ? nullptr : &db, expire_at, &outcome)) return fail("");
    if (outcome == LoadOutcome::kLoaded) {
      result->keys_loaded++;
    } else if (expired) {
      result->keys_expired++;
    }
    expire_at = -1;
  }
}

bool ReadWholeFile(const std::string& path, std::string* out, bool* exists, std::string* error) {
  *exists = true;
  int fd = open(path.c_str(), O_RDONLY);
  if (fd < 0) {
    if (errno == ENOENT) {
      *exists = false;
      return true;
    }
    *error = "Can't open " + path + ": " + std::strerror(errno);
    return false;
  }
  struct stat st;
  if (fstat(fd, &st) != 0) {
    *error = std::strerror(errno);
    close(fd);
    return false;
  }
  out->resize(static_cast<size_t>(st.st_size));
  size_t done = 0;
  while (done < out->size()) {
    ssize_t n = read(fd, out->data() + done, out->size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      *error = "Short read of " + path + ": " + (n < 0 ? std::strerror(errno) : "end of file");
      close(fd);
      return false;
    }
    done += static_cast<size_t>(n);
  }
  close(fd);
  return true;
}

bool LoadRdbFile(const std::string& path, storage::Keyspace* keyspace,
                 const RdbLoadOptions& options, RdbLoadResult* result, bool* exists,
                 std::string* error) {
  std::string bytes;
  if (!ReadWholeFile(path, &bytes, exists, error)) return false;
  if (!*exists) return true;
  return ReadRdb(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), keyspace, options,
                 result, error);
}

}  // namespace ember::persistence
