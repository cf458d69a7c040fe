#include "server/commands/reply_util.h"

#include <cctype>
#include <cmath>
#include <cstdint>

#include "protocol/errors.h"
#include "storage/numbers.h"

namespace ember::server {

namespace errors = protocol::errors;
using storage::OpStatus;

void ReplyError(protocol::ReplyWriter& reply, OpStatus s) {
  switch (s) {
    case OpStatus::kWrongType: reply.Error(errors::kWrongType); return;
    case OpStatus::kNotInteger: reply.Error(errors::kNotInteger); return;
    case OpStatus::kNotFloat: reply.Error(errors::kNotFloat); return;
    case OpStatus::kOverflow: reply.Error(errors::kOverflow); return;
    case OpStatus::kNanOrInf: reply.Error(errors::kIncrNanOrInf); return;
    case OpStatus::kOutOfRange: reply.Error(errors::kOutOfRange); return;
    case OpStatus::kStringTooLong: reply.Error(errors::kStringTooLong); return;
    case OpStatus::kSyntax: reply.Error(errors::kSyntax); return;
    case OpStatus::kSameObject: reply.Error(errors::kSameObject); return;
    case OpStatus::kBusyKey: reply.Error(errors::kBusyKey); return;
    case OpStatus::kNotFound: reply.Error(errors::kNoSuchKey); return;
    case OpStatus::kOk:
    case OpStatus::kSkipped:
    case OpStatus::kInvalidExpire:  // worded per command by its handler
      break;
  }
  reply.Error("ERR internal error: unexpected status");
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

bool ParseIntArg(CommandContext& ctx, std::string_view arg, int64_t* out) {
  if (storage::StringToInt64(arg, out)) return true;
  ctx.reply().Error(errors::kNotInteger);
  return false;
}

bool ParseIntArgInRange(CommandContext& ctx, std::string_view arg, int64_t min, int64_t max,
                        std::string_view range_error, int64_t* out) {
  if (!ParseIntArg(ctx, arg, out)) return false;
  if (*out < min || *out > max) {
    ctx.reply().Error(range_error);
    return false;
  }
  return true;
}

bool ParseLongDoubleArg(CommandContext& ctx, std::string_view arg, long double* out) {
  if (storage::StringToLongDouble(arg, out)) return true;
  ctx.reply().Error(errors::kNotFloat);
  return false;
}

bool ParseBlockTimeout(CommandContext& ctx, std::string_view arg, int64_t* ms) {
  long double seconds;
  if (!storage::StringToLongDouble(arg, &seconds)) {
    ctx.reply().Error(errors::kTimeoutNotFloat);
    return false;
  }
  long double millis = seconds * 1000;
  if (millis > static_cast<long double>(INT64_MAX) - ctx.now_ms()) {
    ctx.reply().Error(errors::kTimeoutOutOfRange);
    return false;
  }
  int64_t v = static_cast<int64_t>(std::ceil(millis));
  if (v < 0) {
    ctx.reply().Error(errors::kTimeoutNegative);
    return false;
  }
  *ms = v;
  return true;
}

void ReplyString(protocol::ReplyWriter& reply, const storage::StringValue& v) {
  if (v.is_int) {
    reply.BulkInteger(v.integer);
  } else {
    reply.Bulk(v.bytes);
  }
}

void ReplyHelp(protocol::ReplyWriter& reply, std::string_view command,
               std::initializer_list<std::string_view> lines) {
  reply.ArrayHeader(static_cast<int64_t>(lines.size() + 3));
  std::string head(command);
  head += " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:";
  reply.SimpleString(head);
  for (std::string_view l : lines) reply.SimpleString(l);
  reply.SimpleString("HELP");
  reply.SimpleString("    Prints this help.");
}

}  // namespace ember::server
