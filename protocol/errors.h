// Every error text Ember sends, byte-identical to Redis 7.0's.
//
// A Redis error reply is "-CODE message\r\n". The code is the first word
// (ERR, WRONGTYPE, EXECABORT, ...): clients branch on it, and INFO errorstats
// counts by it. The texts below omit the leading '-' and the trailing CRLF;
// ReplyWriter::Error adds both. Texts with arguments are built by the small
// functions at the end, so the wording still lives only here.
#pragma once

#include <string>
#include <string_view>

namespace ember::protocol::errors {

// Generic argument errors.
inline constexpr std::string_view kSyntax = "ERR syntax error";
inline constexpr std::string_view kNotInteger = "ERR value is not an integer or out of range";
inline constexpr std::string_view kNotFloat = "ERR value is not a valid float";
inline constexpr std::string_view kOverflow = "ERR increment or decrement would overflow";
inline constexpr std::string_view kIncrNanOrInf = "ERR increment would produce NaN or Infinity";
inline constexpr std::string_view kNotIntegerOrOverflow = kNotInteger;
inline constexpr std::string_view kTimeoutNegative = "ERR timeout is negative";
inline constexpr std::string_view kTimeoutNotFloat = "ERR timeout is not a float or out of range";
inline constexpr std::string_view kTimeoutOutOfRange = "ERR timeout is out of range";
// CLIENT PAUSE's timeout is whole milliseconds.
inline constexpr std::string_view kTimeoutNotInteger =
    "ERR timeout is not an integer or out of range";
inline constexpr std::string_view kPauseMode = "ERR CLIENT PAUSE mode must be WRITE or ALL";
inline constexpr std::string_view kCountPositive = "ERR value is out of range, must be positive";
// getIntFromObjectOrReply's range error (SELECT, MOVE, COPY ... DB).
inline constexpr std::string_view kNotInt32 =
    "ERR value is out of range, value must between -2147483648 and 2147483647";
inline constexpr std::string_view kOutOfRange = "ERR index out of range";
inline constexpr std::string_view kNoSuchKey = "ERR no such key";
inline constexpr std::string_view kSameObject = "ERR source and destination objects are the same";
inline constexpr std::string_view kWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";
inline constexpr std::string_view kBusyKey = "BUSYKEY Target key name already exists.";

// Strings.
inline constexpr std::string_view kStringTooLong =
    "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
inline constexpr std::string_view kOffsetOutOfRange = "ERR offset is out of range";

// Hashes and sets.
inline constexpr std::string_view kHashValueNotInteger = "ERR hash value is not an integer";
inline constexpr std::string_view kHashValueNotFloat = "ERR hash value is not a float";
inline constexpr std::string_view kValueNanOrInf = "ERR value is NaN or Infinity";
inline constexpr std::string_view kValueOutOfRange = "ERR value is out of range";
inline constexpr std::string_view kValueOutOfLongRange =
    "ERR value is out of range, value must between -9223372036854775807 and "
    "9223372036854775807";
inline constexpr std::string_view kNumkeysPositive = "ERR numkeys should be greater than 0";
inline constexpr std::string_view kNumkeysTooMany =
    "ERR Number of keys can't be greater than number of args";
inline constexpr std::string_view kLimitNegative = "ERR LIMIT can't be negative";
// Sorted sets.
inline constexpr std::string_view kZAddXxAndNx =
    "ERR XX and NX options at the same time are not compatible";
inline constexpr std::string_view kZAddGtLtNx =
    "ERR GT, LT, and/or NX options at the same time are not compatible";
inline constexpr std::string_view kZAddIncrOnePair =
    "ERR INCR option supports a single increment-element pair";
inline constexpr std::string_view kScoreNan = "ERR resulting score is not a number (NaN)";
inline constexpr std::string_view kMinMaxNotFloat = "ERR min or max is not a float";
inline constexpr std::string_view kMinMaxNotLexItem = "ERR min or max not valid string range item";
inline constexpr std::string_view kLimitNeedsByScoreOrLex =
    "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX";
inline constexpr std::string_view kWithscoresWithBylex =
    "ERR syntax error, WITHSCORES not supported in combination with BYLEX";
inline constexpr std::string_view kWeightNotFloat = "ERR weight value is not a float";
inline constexpr std::string_view kCountGreaterThanZero = "ERR count should be greater than 0";
// ZRANDMEMBER's count (Redis's wording, "must between" included).
inline constexpr std::string_view kRandCountOutOfRange =
    "ERR value is out of range, value must between -9223372036854775807 and "
    "9223372036854775807";

// Databases and keys.
inline constexpr std::string_view kDbIndexOutOfRange = "ERR DB index is out of range";
inline constexpr std::string_view kInvalidFirstDbIndex = "ERR invalid first DB index";
inline constexpr std::string_view kInvalidSecondDbIndex = "ERR invalid second DB index";
inline constexpr std::string_view kGtAndLt =
    "ERR GT and LT options at the same time are not compatible";
inline constexpr std::string_view kNxAndXxGtLt =
    "ERR NX and XX, GT or LT options at the same time are not compatible";
inline constexpr std::string_view kInvalidCursor = "ERR invalid cursor";
inline constexpr std::string_view kLfuNotSelected =
    "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that "
    "when switching between policies at runtime LRU and LFU data will take some time to adjust.";
inline constexpr std::string_view kLfuSelected =
    "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when "
    "switching between policies at runtime LRU and LFU data will take some time to adjust.";

// COMMAND GETKEYS.
inline constexpr std::string_view kGetKeysInvalidCommand = "ERR Invalid command specified";
inline constexpr std::string_view kGetKeysNoKeys = "ERR The command has no key arguments";
inline constexpr std::string_view kGetKeysWrongArity =
    "ERR Invalid number of arguments specified for command";
inline constexpr std::string_view kGetKeysInvalidArguments =
    "ERR Invalid arguments specified for command";

// Connection and server state.
inline constexpr std::string_view kNoProto = "NOPROTO unsupported protocol version";
inline constexpr std::string_view kNoAuth = "NOAUTH Authentication required.";
inline constexpr std::string_view kWrongPass =
    "WRONGPASS invalid username-password pair or user is disabled.";
inline constexpr std::string_view kAuthNotConfigured =
    "ERR AUTH <password> called without any password configured for the default user. Are you "
    "sure your configuration is correct?";
// Protected mode refuses a non-loopback connection with this (networking.c).
inline constexpr std::string_view kProtectedModeDenied =
    "DENIED Redis is running in protected mode because protected mode is enabled and no "
    "password is set for the default user. In this mode connections are only accepted from the "
    "loopback interface. If you want to connect from external computers to Redis you may adopt "
    "one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG "
    "SET protected-mode no' from the loopback interface by connecting to Redis from the same "
    "host the server is running, however MAKE SURE Redis is not publicly accessible from "
    "internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively "
    "you can just disable the protected mode by editing the Redis configuration file, and "
    "setting the protected mode option to 'no', and then restarting the server. 3) If you "
    "started the server manually just for testing, restart it with the '--protected-mode no' "
    "option. 4) Setup a an authentication password for the default user. NOTE: You only need "
    "to do one of the above things in order for the server to start accepting connections from "
    "the outside.";
inline constexpr std::string_view kMaxClients = "ERR max number of clients reached";
inline constexpr std::string_view kOom =
    "OOM command not allowed when used memory > 'maxmemory'.";
inline constexpr std::string_view kLoading = "LOADING Redis is loading the dataset in memory";
inline constexpr std::string_view kExecAbort =
    "EXECABORT Transaction discarded because of previous errors.";
inline constexpr std::string_view kMultiNested = "ERR MULTI calls can not be nested";
inline constexpr std::string_view kExecWithoutMulti = "ERR EXEC without MULTI";
inline constexpr std::string_view kDiscardWithoutMulti = "ERR DISCARD without MULTI";
inline constexpr std::string_view kWatchInMulti = "ERR WATCH inside MULTI is not allowed";
inline constexpr std::string_view kMisconf =
    "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to "
    "disk. Commands that may modify the data set are disabled, because this instance is "
    "configured to report errors during writes if RDB snapshotting fails "
    "(stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB "
    "error.";
inline constexpr std::string_view kDebugNotAllowed =
    "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you "
    "can run it from a local connection, otherwise you need to set this option in the "
    "configuration file, and then restart the server.";
inline constexpr std::string_view kNoShutdownInProgress = "ERR No shutdown in progress.";
inline constexpr std::string_view kShutdownFailed = "ERR Errors trying to SHUTDOWN. Check logs.";
inline constexpr std::string_view kNoConfigFile = "ERR The server is running without a config file";
inline constexpr std::string_view kClientNameSpaces =
    "ERR Client names cannot contain spaces, newlines or special characters.";
inline constexpr std::string_view kNoSuchClient = "ERR No such client";
inline constexpr std::string_view kUnblockedByClient =
    "UNBLOCKED client unblocked via CLIENT UNBLOCK";

// Protocol (framing) errors: the reply is "-ERR Protocol error: <what>" and
// the connection is closed after it, since the stream can no longer be
// trusted to be in sync.
inline constexpr std::string_view kProtoPrefix = "ERR Protocol error: ";
inline constexpr std::string_view kProtoInvalidMultibulk = "invalid multibulk length";
inline constexpr std::string_view kProtoInvalidBulk = "invalid bulk length";
inline constexpr std::string_view kProtoTooBigMbulkCount = "too big mbulk count string";
inline constexpr std::string_view kProtoTooBigBulkCount = "too big bulk count string";
inline constexpr std::string_view kProtoTooBigInline = "too big inline request";
inline constexpr std::string_view kProtoUnbalancedQuotes = "unbalanced quotes in request";
inline constexpr std::string_view kProtoUnauthMultibulk = "unauthenticated multibulk length";
inline constexpr std::string_view kProtoUnauthBulk = "unauthenticated bulk length";

// "ERR unknown command 'foo', with args beginning with: 'a' 'b' "
std::string UnknownCommand(std::string_view name, const std::string_view* args, size_t nargs);
// "ERR unknown subcommand 'foo'. Try CONFIG HELP."
std::string UnknownSubcommand(std::string_view sub, std::string_view container);
// "ERR unknown subcommand or wrong number of arguments for 'foo'. Try DEBUG HELP."
// (commands that check their subcommands themselves, as DEBUG does).
std::string UnknownSubcommandOrArity(std::string_view sub, std::string_view command);
// CONFIG SET: "ERR Unknown option or number of arguments for CONFIG SET - 'foo'"
std::string ConfigSetUnknown(std::string_view name);
// CONFIG SET: "ERR CONFIG SET failed (possibly related to argument 'hz') - <reason>"
std::string ConfigSetFailed(std::string_view name, std::string_view reason);
// CONFIG REWRITE: "ERR Rewriting config file: <strerror>"
std::string ConfigRewriteFailed(std::string_view reason);
// "ERR wrong number of arguments for 'get' command" (full name: "config|get").
std::string WrongArity(std::string_view full_name);
// "ERR at least 1 input key is needed for 'zunionstore' command"
std::string AtLeastOneInputKey(std::string_view full_name);
// "ERR Protocol error: expected '$', got 'x'"
std::string ProtoExpectedDollar(char got);

}  // namespace ember::protocol::errors
