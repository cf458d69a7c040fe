// The hash table under the keyspace, built the way Redis's dict.c is.
//
// It grows by doubling, but never all at once: while it rehashes, every
// operation moves one bucket from the old table to the new one, and a lookup
// looks in both, so a key is never missing mid-rehash. It shrinks (from the
// cron) when under 10% full. SCAN walks its buckets with a cursor that
// counts in reversed-bit order, which is what lets it promise every key
// present for the whole iteration even when the table doubles or halves
// between two calls (a key may come back twice; none is skipped).
#include "storage/dict.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace ember::storage {
namespace {

struct Node {
  Node* next = nullptr;
  std::string key;
};

struct NodeTraits {
  static std::string_view Key(const Node* n) { return n->key; }
  static Node* Next(const Node* n) { return n->next; }
  static void SetNext(Node* n, Node* next) { n->next = next; }
  static Node** NextLink(Node* n) { return &n->next; }
};

using TestDict = Dict<Node, NodeTraits>;

// A dict and the nodes it links (the dict does not own them).
class Table {
 public:
  Node* Insert(const std::string& key) {
    nodes_[key] = std::make_unique<Node>();
    Node* n = nodes_[key].get();
    n->key = key;
    dict_.InsertNew(n, Hash(key));
    return n;
  }
  bool Remove(const std::string& key) {
    Node* n = dict_.Remove(key, Hash(key));
    if (n == nullptr) return false;
    nodes_.erase(key);
    return true;
  }
  bool Contains(const std::string& key) { return dict_.Find(key) != nullptr; }

  // Runs a whole SCAN, calling between_calls(cursor) after each step.
  template <typename Fn>
  std::multiset<std::string> ScanAll(Fn between_calls) {
    std::multiset<std::string> seen;
    uint64_t cursor = 0;
    do {
      cursor = dict_.Scan(cursor, [&](const Node* n) { seen.insert(n->key); });
      between_calls(cursor);
    } while (cursor != 0);
    return seen;
  }

  TestDict& dict() { return dict_; }

 private:
  std::map<std::string, std::unique_ptr<Node>> nodes_;
  TestDict dict_;
};

std::string Key(int i) { return "key:" + std::to_string(i); }

void FinishRehash(TestDict& d) {
  while (d.Rehash(100)) {
  }
}

TEST(Dict, InsertFindRemove) {
  Table t;
  EXPECT_FALSE(t.Contains("a"));
  Node* a = t.Insert("a");
  t.Insert("b");
  EXPECT_EQ(t.dict().Find("a"), a);
  EXPECT_EQ(t.dict().size(), 2u);
  EXPECT_TRUE(t.Remove("a"));
  EXPECT_FALSE(t.Remove("a"));
  EXPECT_FALSE(t.Contains("a"));
  EXPECT_TRUE(t.Contains("b"));
  EXPECT_EQ(t.dict().size(), 1u);
}

TEST(Dict, StartsWithFourBucketsAndDoublesAtLoadFactorOne) {
  Table t;
  for (int i = 0; i < 4; ++i) t.Insert(Key(i));
  EXPECT_EQ(t.dict().buckets(), 4u);
  EXPECT_FALSE(t.dict().rehashing());
  t.Insert(Key(4));
  EXPECT_TRUE(t.dict().rehashing());  // the fifth key starts the move to 8 buckets
  FinishRehash(t.dict());
  EXPECT_EQ(t.dict().buckets(), 8u);
}

// Loading an RDB file knows the key count up front (RESIZEDB): the table is
// sized once, and filling it never starts a rehash.
TEST(Dict, ReserveSizesTheTableOnceForWhatWillBeInserted) {
  Table t;
  t.dict().Reserve(1000);
  EXPECT_EQ(t.dict().buckets(), 1024u);
  for (int i = 0; i < 1000; ++i) {
    t.Insert(Key(i));
    ASSERT_FALSE(t.dict().rehashing()) << i;
  }
  EXPECT_EQ(t.dict().buckets(), 1024u);
  t.dict().Reserve(10);  // never shrinks
  EXPECT_EQ(t.dict().buckets(), 1024u);
  // A non-empty table grows by an ordinary incremental rehash.
  t.dict().Reserve(5000);
  EXPECT_TRUE(t.dict().rehashing());
  FinishRehash(t.dict());
  EXPECT_EQ(t.dict().buckets(), 8192u);
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(t.Contains(Key(i))) << i;
}

TEST(Dict, RehashingMovesABucketPerOperation) {
  Table t;
  for (int i = 0; i < 1024; ++i) t.Insert(Key(i));
  FinishRehash(t.dict());
  t.Insert(Key(1024));  // 1025 keys in 1024 buckets: start doubling
  ASSERT_TRUE(t.dict().rehashing());
  // Each lookup moves one more bucket; with 1024 buckets to move, the
  // rehash is still going after a few hundred lookups.
  for (int i = 0; i < 300; ++i) ASSERT_TRUE(t.Contains(Key(i)));
  EXPECT_TRUE(t.dict().rehashing());
  EXPECT_EQ(t.dict().buckets(), 1024u + 2048u);
}

TEST(Dict, LookupsAreCorrectMidRehash) {
  Table t;
  bool saw_rehashing = false;
  for (int i = 0; i < 5000; ++i) {
    t.Insert(Key(i));
    saw_rehashing |= t.dict().rehashing();
    if (i % 97 == 0) {
      for (int j = 0; j <= i; ++j) ASSERT_TRUE(t.Contains(Key(j))) << j << " after " << i;
      ASSERT_FALSE(t.Contains(Key(i + 1)));
    }
  }
  EXPECT_TRUE(saw_rehashing);
  EXPECT_EQ(t.dict().size(), 5000u);
}

TEST(Dict, RemovalsAreCorrectMidRehash) {
  Table t;
  for (int i = 0; i < 2048; ++i) t.Insert(Key(i));
  FinishRehash(t.dict());
  t.Insert(Key(2048));
  ASSERT_TRUE(t.dict().rehashing());
  for (int i = 0; i <= 2048; i += 2) ASSERT_TRUE(t.Remove(Key(i)));
  for (int i = 0; i <= 2048; ++i) EXPECT_EQ(t.Contains(Key(i)), i % 2 == 1) << i;
  EXPECT_EQ(t.dict().size(), 1024u);
}

TEST(Dict, ShrinksWhenUnderTenPercentFull) {
  Table t;
  for (int i = 0; i < 1000; ++i) t.Insert(Key(i));
  FinishRehash(t.dict());
  EXPECT_EQ(t.dict().buckets(), 1024u);
  for (int i = 0; i < 950; ++i) t.Remove(Key(i));
  t.dict().ShrinkIfSparse();
  FinishRehash(t.dict());
  EXPECT_EQ(t.dict().buckets(), 64u);  // the smallest power of two >= 50
  for (int i = 950; i < 1000; ++i) EXPECT_TRUE(t.Contains(Key(i)));
}

TEST(Dict, WhileResizeIsDiscouragedGrowsOnlyPastLoadFactorFive) {
  Table t;
  t.dict().set_resize_allowed(false);
  for (int i = 0; i < 24; ++i) t.Insert(Key(i));
  EXPECT_EQ(t.dict().buckets(), 4u);  // 6 keys per bucket is tolerated...
  t.Insert(Key(24));
  t.Insert(Key(25));
  EXPECT_TRUE(t.dict().rehashing());  // ...but not more
  for (int i = 0; i < 26; ++i) EXPECT_TRUE(t.Contains(Key(i)));
}

TEST(Dict, ScanVisitsEveryKeyOfAStableTable) {
  Table t;
  for (int i = 0; i < 500; ++i) t.Insert(Key(i));
  FinishRehash(t.dict());
  std::multiset<std::string> seen = t.ScanAll([](uint64_t) {});
  EXPECT_EQ(seen.size(), 500u);  // a table that does not change: each key exactly once
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 500u);
}

TEST(Dict, ScanOfAnEmptyDictEndsAtOnce) {
  TestDict d;
  EXPECT_EQ(d.Scan(0, [](const Node*) { ADD_FAILURE(); }), 0u);
}

// The reverse-binary cursor guarantee, with the table growing from 64 to
// 8192 buckets in the middle of the iteration.
TEST(Dict, ScanReturnsEveryKeyPresentThroughoutWhileTheTableGrows) {
  Table t;
  for (int i = 0; i < 60; ++i) t.Insert(Key(i));
  FinishRehash(t.dict());
  ASSERT_EQ(t.dict().buckets(), 64u);
  int calls = 0;
  std::multiset<std::string> seen = t.ScanAll([&](uint64_t) {
    if (++calls == 5) {
      for (int i = 1000; i < 7000; ++i) t.Insert(Key(i));
    }
  });
  ASSERT_GE(calls, 5);
  for (int i = 0; i < 60; ++i) EXPECT_EQ(seen.count(Key(i)), 1u) << Key(i);
}

TEST(Dict, ScanReturnsEveryKeyPresentThroughoutWhileTheTableShrinks) {
  Table t;
  for (int i = 0; i < 4000; ++i) t.Insert(Key(i));
  FinishRehash(t.dict());
  ASSERT_EQ(t.dict().buckets(), 4096u);
  int calls = 0;
  std::multiset<std::string> seen = t.ScanAll([&](uint64_t) {
    if (++calls == 700) {
      for (int i = 100; i < 4000; ++i) t.Remove(Key(i));
      t.dict().ShrinkIfSparse();
      FinishRehash(t.dict());
      ASSERT_EQ(t.dict().buckets(), 128u);
    }
  });
  ASSERT_GE(calls, 700);
  for (int i = 0; i < 100; ++i) EXPECT_GE(seen.count(Key(i)), 1u) << Key(i);
}

// While rehashing there are two tables; a cursor step covers a bucket of
// the small one and all the buckets of the large one it expands into.
TEST(Dict, ScanReturnsEveryKeyWhenCalledMidRehash) {
  Table t;
  for (int i = 0; i < 512; ++i) t.Insert(Key(i));
  FinishRehash(t.dict());
  t.Insert(Key(512));
  ASSERT_TRUE(t.dict().rehashing());
  std::multiset<std::string> seen;
  uint64_t cursor = 0;
  do {
    cursor = t.dict().Scan(cursor, [&](const Node* n) { seen.insert(n->key); });
    t.dict().Rehash(1);  // the table keeps changing shape under the cursor
  } while (cursor != 0);
  for (int i = 0; i <= 512; ++i) EXPECT_GE(seen.count(Key(i)), 1u) << Key(i);
}

// The same guarantee under random growth and shrinkage: keys present from
// the first call to the last are always returned; keys added or removed
// meanwhile may or may not be.
TEST(Dict, ScanGuaranteeHoldsUnderRandomResizes) {
  std::mt19937_64 rng(20240101);
  for (int round = 0; round < 20; ++round) {
    Table t;
    std::set<std::string> stable;
    for (int i = 0; i < 200; ++i) {
      t.Insert(Key(i));
      stable.insert(Key(i));
    }
    int next = 100000;
    std::vector<std::string> extra;
    std::multiset<std::string> seen = t.ScanAll([&](uint64_t) {
      int action = static_cast<int>(rng() % 4);
      if (action == 0) {
        for (int i = 0; i < 500; ++i) {
          extra.push_back(Key(next++));
          t.Insert(extra.back());
        }
      } else if (action == 1 && !extra.empty()) {
        for (const std::string& k : extra) t.Remove(k);
        extra.clear();
        t.dict().ShrinkIfSparse();
      } else if (action == 2) {
        t.dict().Rehash(static_cast<int>(rng() % 50));
      }
    });
    for (const std::string& k : stable) ASSERT_GE(seen.count(k), 1u) << k << " round " << round;
  }
}

TEST(Dict, RandomReturnsOnlyPresentKeysAndEventuallyEachOfThem) {
  Table t;
  std::mt19937_64 rng(7);
  EXPECT_EQ(t.dict().Random(rng), nullptr);
  for (int i = 0; i < 100; ++i) t.Insert(Key(i));
  std::set<std::string> drawn;
  for (int i = 0; i < 5000; ++i) {
    Node* n = t.dict().Random(rng);
    ASSERT_NE(n, nullptr);
    ASSERT_TRUE(t.Contains(n->key));
    drawn.insert(n->key);
  }
  EXPECT_EQ(drawn.size(), 100u);
}

TEST(Dict, RandomWorksMidRehash) {
  Table t;
  std::mt19937_64 rng(11);
  for (int i = 0; i < 64; ++i) t.Insert(Key(i));
  FinishRehash(t.dict());
  t.Insert(Key(64));
  ASSERT_TRUE(t.dict().rehashing());
  std::set<std::string> drawn;
  for (int i = 0; i < 5000; ++i) drawn.insert(t.dict().Random(rng)->key);
  EXPECT_EQ(drawn.size(), 65u);
}

TEST(Dict, ClearHandsEveryNodeToTheDisposer) {
  TestDict d;
  std::vector<std::unique_ptr<Node>> nodes;
  for (int i = 0; i < 100; ++i) {
    nodes.push_back(std::make_unique<Node>());
    nodes.back()->key = Key(i);
    d.InsertNew(nodes.back().get(), Hash(nodes.back()->key));
  }
  int disposed = 0;
  d.Clear([&](Node*) { ++disposed; });
  EXPECT_EQ(disposed, 100);
  EXPECT_EQ(d.size(), 0u);
  EXPECT_EQ(d.Find("key:1"), nullptr);
}

TEST(Dict, ReplaceKeepsTheChain) {
  Table t;
  for (int i = 0; i < 50; ++i) t.Insert(Key(i));
  Node replacement;
  replacement.key = Key(25);
  TestDict::Link link = t.dict().FindLink(Key(25), Hash(Key(25)));
  ASSERT_TRUE(link);
  TestDict::Replace(link, &replacement);
  EXPECT_EQ(t.dict().Find(Key(25)), &replacement);
  for (int i = 0; i < 50; ++i) EXPECT_TRUE(t.Contains(Key(i)));
  // Put the original back before the table's nodes are freed.
  link = t.dict().FindLink(Key(25), Hash(Key(25)));
  t.dict().Unlink(link);
}

}  // namespace
}  // namespace ember::storage
