// HashObject and SetObject: one value, several representations. These
// tests drive the objects directly with small limits to show each
// conversion rule, and check that the compact encodings hold Redis's bytes
// (a listpack built from an intset is the same listpack Redis would build
// from the same members).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "storage/hash_object.h"
#include "storage/set_object.h"

namespace ember::storage {
namespace {

std::vector<std::string> Members(const SetObject& s) {
  std::vector<std::string> out;
  s.ForEach([&out](const SetObject::Value& v) { out.push_back(v.ToString()); });
  return out;
}

std::vector<std::string> Pairs(const HashObject& h) {
  std::vector<std::string> out;
  h.ForEach([&out](const HashObject::Value& f, const HashObject::Value& v) {
    out.push_back(f.ToString());
    out.push_back(v.ToString());
  });
  return out;
}

using Strings = std::vector<std::string>;

TEST(SetObject, NewForPicksAnIntsetForAnIntegerAndAListpackOtherwise) {
  SetObject a = SetObject::NewFor("12");
  SetObject b = SetObject::NewFor("12a");
  EXPECT_EQ(a.encoding(), Encoding::kIntset);
  EXPECT_EQ(b.encoding(), Encoding::kListpack);
  a.Free();
  b.Free();
}

TEST(SetObject, AListpackMadeFromAnIntsetHasRedisBytes) {
  CollectionLimits limits;
  SetObject s = SetObject::NewIntset();
  for (const char* m : {"300", "-5", "70000", "1"}) s.Add(m, limits);
  s.Add("x", limits);
  ASSERT_EQ(s.encoding(), Encoding::kListpack);
  // The same members appended as text to a fresh listpack: integers are
  // recognised and encoded the same way.
  uint8_t* lp = listpack::New();
  for (const char* m : {"-5", "1", "300", "70000", "x"}) lp = listpack::Append(lp, m);
  auto* got = static_cast<const uint8_t*>(s.ptr());
  ASSERT_EQ(listpack::Bytes(got), listpack::Bytes(lp));
  EXPECT_EQ(std::memcmp(got, lp, listpack::Bytes(lp)), 0);
  listpack::Free(lp);
  s.Free();
}

TEST(SetObject, AnIntsetWithWideNumbersSkipsTheListpack) {
  // Redis checks the longest integer's text against set-max-listpack-value
  // before choosing a listpack for the intset's members.
  CollectionLimits limits;
  limits.set_max_listpack_value = 5;
  SetObject s = SetObject::NewIntset();
  s.Add("123456", limits);  // six digits
  s.Add("ab", limits);
  EXPECT_EQ(s.encoding(), Encoding::kHashtable);
  s.Free();

  SetObject t = SetObject::NewIntset();
  t.Add("-1234", limits);  // five characters, sign included
  t.Add("ab", limits);
  EXPECT_EQ(t.encoding(), Encoding::kListpack);
  EXPECT_EQ(Members(t), (Strings{"-1234", "ab"}));
  t.Free();
}

TEST(SetObject, ExactThresholds) {
  CollectionLimits limits;
  limits.set_max_intset_entries = 3;
  limits.set_max_listpack_entries = 4;
  limits.set_max_listpack_value = 2;

  SetObject ints = SetObject::NewIntset();
  for (const char* m : {"1", "2", "3"}) EXPECT_TRUE(ints.Add(m, limits));
  EXPECT_EQ(ints.encoding(), Encoding::kIntset);
  EXPECT_FALSE(ints.Add("3", limits));
  EXPECT_TRUE(ints.Add("4", limits));
  EXPECT_EQ(ints.encoding(), Encoding::kHashtable);
  ints.Free();

  SetObject lp = SetObject::NewFor("a");
  for (const char* m : {"a", "bb", "c", "d"}) EXPECT_TRUE(lp.Add(m, limits));
  EXPECT_EQ(lp.encoding(), Encoding::kListpack);
  EXPECT_TRUE(lp.Add("e", limits));
  EXPECT_EQ(lp.encoding(), Encoding::kHashtable);
  EXPECT_EQ(lp.size(), 5u);
  lp.Free();

  SetObject long_member = SetObject::NewFor("a");
  long_member.Add("a", limits);
  long_member.Add("ccc", limits);
  EXPECT_EQ(long_member.encoding(), Encoding::kHashtable);
  EXPECT_TRUE(long_member.Contains("a"));
  EXPECT_TRUE(long_member.Contains("ccc"));
  long_member.Free();
}

TEST(SetObject, MembershipIsByValueAcrossEncodings) {
  CollectionLimits limits;
  for (int variant = 0; variant < 3; ++variant) {
    SetObject s = SetObject::NewIntset();
    s.Add("10", limits);
    s.Add("-3", limits);
    if (variant >= 1) s.Add("x", limits);      // listpack
    if (variant == 2) s.ConvertToHashtable();  // hash table
    EXPECT_TRUE(s.Contains("10"));
    EXPECT_TRUE(s.Contains("-3"));
    EXPECT_FALSE(s.Contains("010"));
    EXPECT_FALSE(s.Contains("+10"));
    EXPECT_TRUE(s.Remove("10"));
    EXPECT_FALSE(s.Remove("10"));
    EXPECT_FALSE(s.Remove("y"));
    std::mt19937_64 rng(3);
    std::set<std::string> drawn;
    for (int i = 0; i < 100; ++i) drawn.insert(s.Random(rng).ToString());
    EXPECT_EQ(drawn.size(), s.size());
    s.Free();
  }
}

TEST(HashObject, AListpackAlternatesFieldsAndValuesInInsertionOrder) {
  CollectionLimits limits;
  HashObject h = HashObject::New();
  EXPECT_TRUE(h.Set("name", "ada", limits));
  EXPECT_TRUE(h.Set("born", "1815", limits));
  EXPECT_FALSE(h.Set("name", "Ada", limits));
  EXPECT_EQ(Pairs(h), (Strings{"name", "Ada", "born", "1815"}));
  auto* lp = static_cast<const uint8_t*>(h.ptr());
  EXPECT_EQ(listpack::Length(lp), 4u);
  EXPECT_TRUE(listpack::Get(listpack::Seek(lp, 3)).is_int);  // "1815" is stored as 1815
  HashObject::Value v;
  ASSERT_TRUE(h.Get("born", &v));
  EXPECT_EQ(v.integer, 1815);
  EXPECT_TRUE(h.Delete("name"));
  EXPECT_FALSE(h.Delete("name"));
  EXPECT_EQ(Pairs(h), (Strings{"born", "1815"}));
  h.Free();
}

TEST(HashObject, ExactThresholds) {
  CollectionLimits limits;
  limits.hash_max_listpack_entries = 2;
  limits.hash_max_listpack_value = 3;
  HashObject h = HashObject::New();
  h.Set("a", "abc", limits);
  h.Set("bbb", "1", limits);
  EXPECT_EQ(h.encoding(), Encoding::kListpack);
  h.Set("c", "1", limits);
  EXPECT_EQ(h.encoding(), Encoding::kHashtable);
  EXPECT_EQ(h.size(), 3u);
  h.Free();

  HashObject g = HashObject::New();
  g.Set("a", "abcd", limits);
  EXPECT_EQ(g.encoding(), Encoding::kHashtable);
  g.Free();

  HashObject k = HashObject::New();
  k.Set("a", "1", limits);
  std::string_view args[] = {"a", "1", "b", "long"};
  k.ConvertForArgs(args, limits);  // before writing anything
  EXPECT_EQ(k.encoding(), Encoding::kHashtable);
  EXPECT_EQ(Pairs(k), (Strings{"a", "1"}));
  k.Free();
}

}  // namespace
}  // namespace ember::storage
