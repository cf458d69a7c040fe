// ACL: Redis 6's users and permissions, of which Ember has the part that
// exists without users: the one user, "default", whose password is
// `requirepass` (AUTH, HELLO AUTH), and the read-only subcommands clients
// call to find out where they stand.
//
//   ACL WHOAMI             the connection's user: always "default"
//   ACL USERS              the users: ["default"]
//   ACL CAT [category]     the ACL categories, or the commands in one
//   ACL GENPASS [bits]     a random password, in hex
//
// SETUSER, GETUSER, DELUSER, LIST, LOG, LOAD, SAVE and DRYRUN are not
// implemented (docs/differences.md): they answer "unknown subcommand".
#include <fmt/format.h>
#include <sys/random.h>

#include <cerrno>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/errors.h"
#include "server/command_table.h"
#include "server/commands/reply_util.h"

namespace ember::server {

namespace {

namespace errors = protocol::errors;

constexpr std::string_view kDefaultUser = "default";

// ACL WHOAMI
void AclWhoamiCommand(CommandContext& ctx, ArgList) { ctx.reply().Bulk(kDefaultUser); }

// ACL USERS
void AclUsersCommand(CommandContext& ctx, ArgList) {
  ctx.reply().ArrayHeader(1);
  ctx.reply().Bulk(kDefaultUser);
}

// ACL CAT [category]: every category, or the commands (containers and
// subcommands by full name) in one.
void AclCatCommand(CommandContext& ctx, ArgList args) {
  if (args.size() > 3) return ctx.reply().Error(errors::UnknownSubcommandOrArity(args[1], "acl"));
  if (args.size() == 2) {
    ctx.reply().ArrayHeader(static_cast<int64_t>(std::size(kAclCategoryNames)));
    for (const FlagName& c : kAclCategoryNames) ctx.reply().Bulk(c.name);
    return;
  }
  uint32_t bit = 0;
  for (const FlagName& c : kAclCategoryNames) {
    if (EqualsIgnoreCase(c.name, args[2])) bit = c.bit;
  }
  if (bit == 0) return ctx.reply().Error(fmt::format("ERR Unknown category '{}'", args[2]));
  std::vector<std::string_view> names;
  for (const auto& cmd : ctx.server().commands().all()) {
    if ((cmd->acl & bit) != 0) names.push_back(cmd->full_name);
    for (const CommandSpec& sub : cmd->subcommands) {
      if ((sub.acl & bit) != 0) names.push_back(sub.full_name);
    }
  }
  ctx.reply().ArrayHeader(static_cast<int64_t>(names.size()));
  for (std::string_view n : names) ctx.reply().Bulk(n);
}

// ACL GENPASS [bits]: `bits` random bits (256 by default) as hex digits,
// rounded up to whole digits, from the kernel's random source.
void AclGenpassCommand(CommandContext& ctx, ArgList args) {
  int64_t bits = 256;
  if (args.size() > 3) return ctx.reply().Error(errors::UnknownSubcommandOrArity(args[1], "acl"));
  if (args.size() == 3 && !ParseIntArg(ctx, args[2], &bits)) return;
  if (bits <= 0 || bits > 4096) {
    return ctx.reply().Error(
        "ERR ACL GENPASS argument must be the number of bits for the output password, a "
        "positive number up to 4096");
  }
  size_t digits = static_cast<size_t>((bits + 3) / 4);
  std::vector<unsigned char> random((digits + 1) / 2);
  size_t got = 0;
  while (got < random.size()) {
    ssize_t n = getrandom(random.data() + got, random.size() - got, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return ctx.reply().Error("ERR Failed to read random bytes");
    got += static_cast<size_t>(n);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string password;
  for (unsigned char b : random) {
    password += kHex[b >> 4];
    password += kHex[b & 15];
  }
  password.resize(digits);
  ctx.reply().Bulk(password);
}

void AclHelpCommand(CommandContext& ctx, ArgList) {
  ReplyHelp(ctx.reply(), "ACL",
            {"CAT [<category>]",
             "    List all commands that belong to <category>, or all command categories",
             "    when no category is specified.", "GENPASS [<bits>]",
             "    Generate a secure 256-bit user password. The optional `bits` argument can",
             "    be used to specify a different size.", "USERS",
             "    List all the registered usernames.", "WHOAMI",
             "    Return the current connection username."});
}

constexpr uint32_t kAclSub = kCmdNoscript | kCmdLoading | kCmdStale;

}  // namespace

void RegisterAclCommands(CommandTable& t) {
  // The container's summary ends in a space in Redis 7.0 too.
  t.Add({"acl",
         -2,
         0,
         kAclSlow,
         {},
         nullptr,
         {"A container for Access List Control commands ", "6.0.0", "server",
          "Depends on subcommand.", ""},
         {
             {"cat",
              -2,
              kAclSub,
              kAclSlow,
              {},
              AclCatCommand,
              {"List the ACL categories or the commands inside a category", "6.0.0", "server",
               "O(1) since the categories and commands are a fixed set.", "[categoryname]"}},
             {"genpass",
              -2,
              kAclSub,
              kAclSlow,
              {},
              AclGenpassCommand,
              {"Generate a pseudorandom secure password to use for ACL users", "6.0.0", "server",
               "O(1)", "[bits]"}},
             {"help",
              2,
              kCmdLoading | kCmdStale,
              kAclSlow,
              {},
              AclHelpCommand,
              {"Show helpful text about the different subcommands", "6.0.0", "server", "O(1)", ""}},
             {"users",
              2,
              kAclSub | kCmdAdmin,
              kAclAdmin | kAclSlow | kAclDangerous,
              {},
              AclUsersCommand,
              {"List the username of all the configured ACL rules", "6.0.0", "server",
               "O(N). Where N is the number of configured users.", ""}},
             {"whoami",
              2,
              kAclSub,
              kAclSlow,
              {},
              AclWhoamiCommand,
              {"Return the name of the user associated to the current connection", "6.0.0",
               "server", "O(1)", ""}},
         }});
}

}  // namespace ember::server
