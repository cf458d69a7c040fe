// One database: keys, their values and their deadlines (database.h).
//
// Expiry is lazy first: a key whose deadline has passed stays in memory
// until something touches it, and then it is deleted before the command
// sees it. That holds for writes as much as for reads, so EXPIRE, INCR or
// APPEND on an expired key find no key and cannot bring the old value back.
// Keys with a deadline are also listed in the volatile list that active
// expiry samples; every way a key can change (overwrite, PERSIST, RENAME,
// MOVE, COPY, DEL, SWAPDB) must keep that list exact. The last test checks
// all of it against a plain std::map model over thousands of random
// operations.
#include "storage/database.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <charconv>
#include <map>
#include <ostream>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "storage/key_ops.h"
#include "storage/keyspace.h"
#include "storage/string_ops.h"

namespace ember::storage {
namespace {

class DatabaseTest : public ::testing::Test {
 protected:
  Database& db(int i = 0) { return keyspace_.db(i); }
  int64_t now() const { return keyspace_.now_ms(); }
  // Time moves between commands; a command sees one "now".
  void AdvanceMs(int64_t ms) {
    clock_.AdvanceMs(ms);
    keyspace_.RefreshTime();
  }
  void Set(std::string_view key, std::string_view value, int64_t expire_at = -1, int i = 0) {
    SetOptions o;
    o.expire_at_ms = expire_at;
    ASSERT_TRUE(storage::Set(db(i), key, value, o).ok());
  }
  std::string Value(std::string_view key, int i = 0) {
    auto v = Get(db(i), key);
    return v.ok() ? v->ToString() : "<none>";
  }
  int64_t Deadline(std::string_view key, int i = 0) {
    Entry* e = db(i).LookupRead(key, Database::kNoTouch);
    return e ? Database::ExpireAt(e) : -2;
  }

  ManualClock clock_;
  Keyspace keyspace_{&clock_, 2};
};

// The volatile list and the entries agree: every slot points at an entry
// with a deadline that knows its slot, and every entry with a deadline is
// listed once.
void ExpectVolatileListConsistent(const Database& db) {
  std::set<const Entry*> listed;
  for (size_t i = 0; i < db.volatile_count(); ++i) {
    const Entry* e = db.VolatileAt(i);
    ASSERT_TRUE(e->has_expire()) << e->key();
    ASSERT_EQ(e->volatile_index(), i) << e->key();
    ASSERT_TRUE(listed.insert(e).second) << e->key() << " listed twice";
  }
  size_t with_deadline = 0;
  db.ForEach([&](const Entry* e) {
    if (e->has_expire()) {
      ++with_deadline;
      EXPECT_TRUE(listed.count(e)) << e->key() << " has a deadline but is not listed";
    }
  });
  EXPECT_EQ(with_deadline, db.volatile_count());
}

// --- Lazy expiry ---

TEST_F(DatabaseTest, AKeyExistsUntilTheMillisecondOfItsDeadline) {
  Set("k", "v", now() + 100);
  AdvanceMs(99);
  EXPECT_NE(db().LookupRead("k"), nullptr);
  AdvanceMs(1);
  EXPECT_EQ(db().LookupRead("k"), nullptr);
}

TEST_F(DatabaseTest, AnExpiredKeyStaysInMemoryUntilSomethingTouchesIt) {
  Set("k", "v", now() + 10);
  AdvanceMs(50);
  EXPECT_EQ(db().size(), 1u);  // nobody looked yet
  EXPECT_EQ(db().LookupRead("k"), nullptr);
  EXPECT_EQ(db().size(), 0u);
  EXPECT_EQ(db().volatile_count(), 0u);
  EXPECT_EQ(keyspace_.stats().expired_keys, 1u);
}

TEST_F(DatabaseTest, WriteLookupsDeleteExpiredKeysToo) {
  Set("k", "v", now() + 10);
  AdvanceMs(10);
  KeyRef ref = db().LookupWrite("k");
  EXPECT_FALSE(ref);
  EXPECT_EQ(db().size(), 0u);
  EXPECT_EQ(keyspace_.stats().expired_keys, 1u);
}

TEST_F(DatabaseTest, ExpireOnAnExpiredKeyFindsNoKey) {
  Set("k", "v", now() + 10);
  AdvanceMs(10);
  EXPECT_EQ(Expire(db(), "k", now() + 100000, kExpireAlways), ExpireOutcome::kNoKey);
  EXPECT_EQ(Value("k"), "<none>");
}

TEST_F(DatabaseTest, IncrOnAnExpiredKeyStartsFromZeroWithoutTheOldTtl) {
  Set("n", "41", now() + 10);
  AdvanceMs(10);
  EXPECT_EQ(*IncrBy(db(), "n", 1), 1);
  EXPECT_EQ(Deadline("n"), -1);
}

TEST_F(DatabaseTest, AppendOnAnExpiredKeyStartsFromEmpty) {
  Set("s", "old", now() + 10);
  AdvanceMs(10);
  EXPECT_EQ(*Append(db(), "s", "new", INT64_MAX), 3);
  EXPECT_EQ(Value("s"), "new");
  EXPECT_EQ(Deadline("s"), -1);
}

TEST_F(DatabaseTest, RenameOfAnExpiredKeyFindsNoKey) {
  Set("a", "v", now() + 10);
  AdvanceMs(10);
  EXPECT_EQ(Rename(db(), "a", "b", false), OpStatus::kNotFound);
  EXPECT_EQ(db().size(), 0u);
}

TEST_F(DatabaseTest, TheListenerHearsOfEveryExpiredKeyItDeletes) {
  struct Recorder : KeyspaceListener {
    void OnKeyExpired(int db, std::string_view key) override {
      heard.emplace_back(db, std::string(key));
    }
    void OnKeyCreated(int, std::string_view, ObjType) override {}
    std::vector<std::pair<int, std::string>> heard;
  } recorder;
  keyspace_.set_listener(&recorder);
  Set("a", "v", now() + 10, 1);
  AdvanceMs(10);
  db(1).LookupRead("a");
  EXPECT_THAT(recorder.heard, ::testing::ElementsAre(std::pair<int, std::string>(1, "a")));
  keyspace_.set_listener(nullptr);
}

TEST_F(DatabaseTest, RandomKeyNeverReturnsAnExpiredKey) {
  Set("live", "v");
  for (int i = 0; i < 50; ++i) Set("dead" + std::to_string(i), "v", now() + 1);
  AdvanceMs(1);
  std::string key;
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(db().RandomKey(&key));
    EXPECT_EQ(key, "live");
  }
}

TEST_F(DatabaseTest, RandomKeyOfADatabaseOfExpiredKeysIsNone) {
  for (int i = 0; i < 10; ++i) Set("dead" + std::to_string(i), "v", now() + 1);
  AdvanceMs(1);
  std::string key;
  EXPECT_FALSE(db().RandomKey(&key));
  EXPECT_EQ(db().size(), 0u);
}

// --- The volatile list through every kind of change ---

TEST_F(DatabaseTest, OverwritingWithoutATtlTakesTheKeyOffTheVolatileList) {
  Set("a", "1", now() + 1000);
  Set("b", "2", now() + 1000);
  EXPECT_EQ(db().volatile_count(), 2u);
  Set("a", "a much longer value than before, so the entry moves");
  EXPECT_EQ(db().volatile_count(), 1u);
  EXPECT_EQ(Deadline("a"), -1);
  ExpectVolatileListConsistent(db());
}

TEST_F(DatabaseTest, KeepTtlKeepsTheKeyOnTheVolatileList) {
  Set("a", "1", now() + 1000);
  SetOptions keep;
  keep.keep_ttl = true;
  storage::Set(db(), "a", "a much longer value than before, so the entry moves", keep);
  EXPECT_EQ(Deadline("a"), now() + 1000);
  ExpectVolatileListConsistent(db());
}

TEST_F(DatabaseTest, PersistTakesTheKeyOffTheVolatileList) {
  for (int i = 0; i < 5; ++i) Set("k" + std::to_string(i), "v", now() + 1000 + i);
  KeyRef ref = db().LookupWrite("k1");
  EXPECT_TRUE(db().Persist(ref));
  EXPECT_FALSE(db().Persist(db().LookupWrite("k1")));
  EXPECT_EQ(db().volatile_count(), 4u);
  EXPECT_EQ(Deadline("k1"), -1);
  EXPECT_EQ(Deadline("k4"), now() + 1004);
  ExpectVolatileListConsistent(db());
}

TEST_F(DatabaseTest, RenameCarriesTheDeadlineAndReplacesTheTarget) {
  Set("src", "v", now() + 500);
  Set("dst", "old", now() + 9000);
  EXPECT_EQ(Rename(db(), "src", "dst", false), OpStatus::kOk);
  EXPECT_EQ(Value("dst"), "v");
  EXPECT_EQ(Deadline("dst"), now() + 500);
  EXPECT_EQ(db().volatile_count(), 1u);
  ExpectVolatileListConsistent(db());
}

TEST_F(DatabaseTest, MoveCarriesTheDeadlineToTheOtherDatabase) {
  Set("k", "v", now() + 500);
  Set("other", "v", now() + 600);
  EXPECT_EQ(Move(db(0), "k", db(1)), OpStatus::kOk);
  EXPECT_EQ(db(0).volatile_count(), 1u);
  EXPECT_EQ(db(1).volatile_count(), 1u);
  EXPECT_EQ(Deadline("k", 1), now() + 500);
  ExpectVolatileListConsistent(db(0));
  ExpectVolatileListConsistent(db(1));
}

TEST_F(DatabaseTest, CopyGivesTheCopyItsOwnDeadline) {
  Set("k", "v", now() + 500);
  EXPECT_EQ(Copy(db(0), "k", db(0), "c", false), OpStatus::kOk);
  EXPECT_EQ(db(0).volatile_count(), 2u);
  EXPECT_TRUE(db(0).Persist(db(0).LookupWrite("k")));
  EXPECT_EQ(Deadline("c"), now() + 500);
  ExpectVolatileListConsistent(db(0));
}

TEST_F(DatabaseTest, DeletingAnyVolatileKeyKeepsTheListDense) {
  for (int i = 0; i < 10; ++i) Set("k" + std::to_string(i), "v", now() + 1000);
  for (int i : {0, 9, 4, 5}) EXPECT_TRUE(db().Delete("k" + std::to_string(i)));
  EXPECT_EQ(db().volatile_count(), 6u);
  ExpectVolatileListConsistent(db());
}

TEST_F(DatabaseTest, SwapdbSwapsTheVolatileListsWithTheKeys) {
  Set("a", "v", now() + 100);
  Set("b", "v", now() + 100, 1);
  Set("c", "v", now() + 100, 1);
  keyspace_.SwapDatabases(0, 1);
  EXPECT_EQ(db(0).volatile_count(), 2u);
  EXPECT_EQ(db(1).volatile_count(), 1u);
  EXPECT_EQ(Value("b", 0), "v");
  ExpectVolatileListConsistent(db(0));
  ExpectVolatileListConsistent(db(1));
}

TEST_F(DatabaseTest, FlushEmptiesTheVolatileList) {
  Set("a", "v", now() + 100);
  db().Clear();
  EXPECT_EQ(db().size(), 0u);
  EXPECT_EQ(db().volatile_count(), 0u);
}

TEST_F(DatabaseTest, ScanReturnsEveryKey) {
  std::set<std::string> all;
  for (int i = 0; i < 300; ++i) {
    all.insert("key:" + std::to_string(i));
    Set("key:" + std::to_string(i), "v");
  }
  std::vector<std::string> keys;
  uint64_t cursor = 0;
  do {
    cursor = db().Scan(cursor, &keys);
  } while (cursor != 0);
  EXPECT_EQ(std::set<std::string>(keys.begin(), keys.end()), all);
}

// --- Everything at once, against a model ---

// What the model holds for a key: its value and deadline (-1: none). Like
// the database, the model keeps an expired key until an operation touches
// it, so the two can be compared exactly, expired keys included.
struct Item {
  std::string value;
  int64_t deadline = -1;
  bool operator==(const Item&) const = default;
};
using Model = std::map<std::string, Item>;

void PrintTo(const Item& item, std::ostream* os) {
  *os << "{\"" << item.value << "\", deadline " << item.deadline << "}";
}

// string2ll, written independently for the model.
bool ModelInt(const std::string& s, int64_t* out) {
  if (s == "0") {
    *out = 0;
    return true;
  }
  size_t i = s.size() > 0 && s[0] == '-' ? 1 : 0;
  if (i >= s.size() || s[i] < '1' || s[i] > '9') return false;
  for (size_t j = i; j < s.size(); ++j) {
    if (s[j] < '0' || s[j] > '9') return false;
  }
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

class ModelCheck : public DatabaseTest {
 protected:
  // Lazy expiry in the model: what every lookup does first.
  void Touch(int i, const std::string& key) {
    auto it = model_[i].find(key);
    if (it != model_[i].end() && it->second.deadline >= 0 && it->second.deadline <= now()) {
      model_[i].erase(it);
    }
  }
  Item* Find(int i, const std::string& key) {
    Touch(i, key);
    auto it = model_[i].find(key);
    return it == model_[i].end() ? nullptr : &it->second;
  }

  void ExpectSameAsModel(int step) {
    for (int i = 0; i < 2; ++i) {
      const Model& m = model_[i];
      ASSERT_EQ(db(i).size(), m.size()) << "db " << i << " step " << step;
      size_t volatile_keys = 0;
      for (const auto& [k, item] : m) volatile_keys += item.deadline >= 0 ? 1 : 0;
      ASSERT_EQ(db(i).volatile_count(), volatile_keys) << "db " << i << " step " << step;
      Model actual;
      db(i).ForEach([&](const Entry* e) {
        actual[std::string(e->key())] = Item{ReadString(e).ToString(), Database::ExpireAt(e)};
      });
      ASSERT_EQ(actual, m) << "db " << i << " step " << step;
      ExpectVolatileListConsistent(db(i));
      ASSERT_FALSE(::testing::Test::HasFailure()) << "step " << step;
    }
  }

  // `steps` random operations on `keys` possible keys in two databases,
  // comparing with the model every `check_every` steps. With `mass_deletes`,
  // now and then nine keys in ten are deleted at once, so tables shrink.
  void RunRandomOperations(uint64_t seed, int keys, int steps, int check_every, bool mass_deletes);

  Model model_[2];
};

void ModelCheck::RunRandomOperations(uint64_t seed, int keys, int steps, int check_every,
                                     bool mass_deletes) {
  std::mt19937_64 rng(seed);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
  auto key = [&] { return "k" + std::to_string(pick(keys)); };
  auto value = [&]() -> std::string {
    switch (pick(4)) {
      case 0:
        return std::to_string(pick(2000) - 1000);
      case 1:
        return std::string(1 + pick(60), static_cast<char>('a' + pick(26)));
      case 2:
        return "9223372036854775" + std::to_string(800 + pick(8));
      default:
        return std::to_string(pick(10));
    }
  };
  // A deadline near now: some already past, some soon, some later.
  auto deadline = [&] { return now() + pick(200) - 20; };

  for (int step = 0; step < steps; ++step) {
    const int d = pick(2);
    Database& database = db(d);
    switch (pick(18)) {
      case 0:
      case 1: {  // SET [NX|XX] [PXAT|KEEPTTL]
        std::string k = key(), v = value();
        SetOptions o;
        int mode = pick(4);
        if (mode == 1) o.expire_at_ms = deadline();
        if (mode == 2) o.keep_ttl = true;
        int cond = pick(4);
        if (cond == 1) o.condition = SetOptions::Condition::kIfAbsent;
        if (cond == 2) o.condition = SetOptions::Condition::kIfPresent;
        storage::Set(database, k, v, o);
        Item* it = Find(d, k);
        if ((cond == 1 && it) || (cond == 2 && !it)) break;
        int64_t dl = mode == 1 ? o.expire_at_ms : (mode == 2 && it ? it->deadline : -1);
        model_[d][k] = Item{v, dl};
        break;
      }
      case 2: {  // PEXPIREAT with NX/XX/GT/LT
        std::string k = key();
        int64_t when = deadline();
        int cond =
            std::vector<int>{kExpireAlways, kExpireNx, kExpireXx, kExpireGt, kExpireLt}[pick(5)];
        Expire(database, k, when, cond);
        Item* it = Find(d, k);
        if (!it) break;
        int64_t cur = it->deadline;
        if ((cond == kExpireNx && cur != -1) || (cond == kExpireXx && cur == -1) ||
            (cond == kExpireGt && (cur == -1 || when <= cur)) ||
            (cond == kExpireLt && cur != -1 && when >= cur)) {
          break;
        }
        if (when <= now()) {
          model_[d].erase(k);
        } else {
          it->deadline = when;
        }
        break;
      }
      case 3: {  // PERSIST
        std::string k = key();
        KeyRef ref = database.LookupWrite(k);
        if (ref) database.Persist(ref);
        if (Item* it = Find(d, k)) it->deadline = -1;
        break;
      }
      case 4: {  // DEL
        std::string k = key();
        database.Delete(k);
        Touch(d, k);
        model_[d].erase(k);
        break;
      }
      case 5: {  // RENAME / RENAMENX
        std::string from = key(), to = key();
        bool nx = pick(2) == 0;
        Rename(database, from, to, nx);
        Item* src = Find(d, from);
        if (!src || from == to) break;
        if (Find(d, to) && nx) break;
        Item moved = *src;
        model_[d].erase(from);
        model_[d][to] = moved;
        break;
      }
      case 6: {  // MOVE
        std::string k = key();
        Move(database, k, db(1 - d));
        Item* src = Find(d, k);
        if (!src || Find(1 - d, k)) break;
        model_[1 - d][k] = *src;
        model_[d].erase(k);
        break;
      }
      case 7: {  // COPY [DB] [REPLACE]
        std::string from = key(), to = key();
        int target = pick(2);
        if (target == d && from == to) break;  // refused by the command
        bool replace = pick(2) == 0;
        Copy(database, from, db(target), to, replace);
        Item* src = Find(d, from);
        if (!src) break;
        Item copy = *src;
        if (Find(target, to) && !replace) break;
        model_[target][to] = copy;
        break;
      }
      case 8: {  // APPEND
        std::string k = key(), suffix = value();
        Append(database, k, suffix, INT64_MAX);
        if (Item* it = Find(d, k)) {
          it->value += suffix;
        } else {
          model_[d][k] = Item{suffix, -1};
        }
        break;
      }
      case 9: {  // INCRBY
        std::string k = key();
        int64_t delta = pick(21) - 10;
        IncrBy(database, k, delta);
        Item* it = Find(d, k);
        int64_t old = 0, result;
        if (it && !ModelInt(it->value, &old)) break;
        if (__builtin_add_overflow(old, delta, &result)) break;
        if (it) {
          it->value = std::to_string(result);
        } else {
          model_[d][k] = Item{std::to_string(result), -1};
        }
        break;
      }
      case 10: {  // GETDEL
        std::string k = key();
        GetDel(database, k);
        Touch(d, k);
        model_[d].erase(k);
        break;
      }
      case 11: {  // GETEX PXAT | PERSIST
        std::string k = key();
        bool persist = pick(2) == 0;
        ExpireArg arg;
        if (!persist) {
          arg.present = true;
          arg.value = deadline();
        }
        GetEx(database, k, arg, persist);
        Item* it = Find(d, k);
        if (!it) break;
        if (persist) {
          it->deadline = -1;
        } else if (arg.value <= now()) {
          model_[d].erase(k);
        } else {
          it->deadline = arg.value;
        }
        break;
      }
      case 12: {  // SETRANGE
        std::string k = key(), bytes = pick(5) == 0 ? "" : value();
        int64_t offset = pick(30);
        SetRange(database, k, offset, bytes, INT64_MAX);
        Item* it = Find(d, k);
        if (bytes.empty()) break;
        if (!it) it = &(model_[d][k] = Item{"", -1});
        size_t at = static_cast<size_t>(offset);
        if (it->value.size() < at + bytes.size()) it->value.resize(at + bytes.size(), '\0');
        it->value.replace(at, bytes.size(), bytes);
        break;
      }
      case 13: {  // GET
        std::string k = key();
        database.LookupRead(k);
        Touch(d, k);
        break;
      }
      case 14:
        AdvanceMs(pick(30));
        break;
      case 15:
        database.Maintain(1000);
        break;
      case 16:
        if (pick(20) == 0) {
          keyspace_.SwapDatabases(0, 1);
          std::swap(model_[0], model_[1]);
        }
        break;
      case 17:
        if (mass_deletes && pick(keys / 10) == 0) {
          for (int i = 0; i < keys; ++i) {
            if (i % 10 == 0) continue;
            std::string k = "k" + std::to_string(i);
            database.Delete(k);
            model_[d].erase(k);
          }
        }
        break;
    }
    if (step % check_every == 0 || step == steps - 1) ExpectSameAsModel(step);
    if (HasFailure()) return;
  }
}

TEST_F(ModelCheck, RandomOperationsKeepSizeVolatileListValuesAndDeadlinesExact) {
  RunRandomOperations(0xE5BE7, /*keys=*/40, /*steps=*/20000, /*check_every=*/1,
                      /*mass_deletes=*/false);
}

// The same with enough keys for the tables to grow, shrink and be caught
// mid-rehash by the operations.
TEST_F(ModelCheck, RandomOperationsStayExactWhileTablesResize) {
  RunRandomOperations(0x5CA1E, /*keys=*/3000, /*steps=*/100000, /*check_every=*/1000,
                      /*mass_deletes=*/true);
}

}  // namespace
}  // namespace ember::storage
