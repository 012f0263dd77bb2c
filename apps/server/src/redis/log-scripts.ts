/**
 * The Lua scripts of one channel's log. Each runs atomically in Redis on the channel's keys only
 * (one hash tag), so seqs stay gapless whichever instance publishes.
 *
 * The retained bytes of an entry are those of its envelope JSON,
 * `{"channel":"<c>","seq":<s>,"time":<t>,"data":<d>}`: 37 bytes plus the lengths of the four
 * values, exactly `LogEntry.size` (a test holds the two together). Lua's `#` counts bytes.
 */

/**
 * Walks the oldest entries off while `over()` holds (never the newest, `seq`); sets `oldest` and
 * `bytes`. Reads `first` entries, then twice as many each time (at most 64): an append at the
 * history limit evicts one entry, and reading 64 for it made every such append 64 times dearer.
 */
const EVICT = `
local oldest, bytes = 1, 0
local function evict(stream, fixed, seq, over, first)
  local count = math.max(1, math.min(64, first))
  while oldest < seq and over() do
    local batch = redis.call('XRANGE', stream, string.format('%d', oldest), '+', 'COUNT', count)
    count = math.min(64, count * 2)
    if #batch == 0 then bytes = 0; oldest = seq; break end
    for _, e in ipairs(batch) do
      if not (oldest < seq and over()) then break end
      bytes = bytes - (fixed + #e[1] - 2 + #e[2][2] + #e[2][4])
      oldest = tonumber(string.match(e[1], '^(%d+)')) + 1
    end
  end
  if bytes < 0 then bytes = 0 end
end
`;

/**
 * A channel not appended to for the idle time loses its stream (Redis expires the key) while its
 * meta hash lives on for longer: its messages are gone, as if evicted, and the numbering goes on
 * in the same epoch, so a client back with an old cursor gets `expired`, never a wrong resume.
 * `idle()` gives the state to use when the stream is gone: nothing retained, one version on.
 */
const IDLE = `
local function idle(stream, seq, oldest, bytes, ver)
  if seq > 0 and redis.call('EXISTS', stream) == 0 then return seq + 1, 0, ver + 1 end
  return oldest, bytes, ver
end
`;

/**
 * Appends one message. KEYS: meta, stream, generator. ARGV: channel, data JSON, time (as the
 * envelope writes it), history, max bytes, the epoch to start with if the channel has none, the
 * pub/sub channel, a generator lease token (`""` unless the generator publishes: then the
 * append happens only while that token holds the lease, so one generator runs per channel), and
 * how long (ms) the stream and the meta hash live after this append ({@link IDLE}).
 * Returns {seq, epoch, oldest, bytes, version}, or {0} when the lease is lost.
 */
export const APPEND_LUA = `${EVICT}${IDLE}
local meta, stream, gen = KEYS[1], KEYS[2], KEYS[3]
local channel, data, time = ARGV[1], ARGV[2], ARGV[3]
local history, maxBytes = tonumber(ARGV[4]), tonumber(ARGV[5])
if ARGV[8] ~= '' and redis.call('HGET', gen, 'lease') ~= ARGV[8] then return {0} end
local m = redis.call('HMGET', meta, 'e', 's', 'o', 'b', 'v')
local epoch, seq, ver = m[1], tonumber(m[2]), tonumber(m[5])
oldest, bytes = tonumber(m[3]), tonumber(m[4])
if not epoch then
  epoch, seq, oldest, bytes, ver = ARGV[6], 0, 1, 0, 0
  redis.call('DEL', stream)
else
  oldest, bytes, ver = idle(stream, seq, oldest, bytes, ver)
end
seq = seq + 1
local id = string.format('%d', seq)
local fixed = 37 + #channel
local size = fixed + #id + #time + #data
local before = oldest
evict(stream, fixed, seq, function() return seq - oldest + 1 > history or bytes + size > maxBytes end, seq - oldest + 1 - history)
-- Trimmed by the XADD itself (with an XTRIM of its own the script took 30 % longer in Redis).
if oldest ~= before then
  redis.call('XADD', stream, 'MINID', string.format('%d', oldest), id .. '-0', 't', time, 'd', data)
else
  redis.call('XADD', stream, 'MAXLEN', history, id .. '-0', 't', time, 'd', data)
end
bytes = bytes + size
ver = ver + 1
redis.call('HSET', meta, 'e', epoch, 's', id, 'o', string.format('%d', oldest), 'b', string.format('%d', bytes), 'v', string.format('%d', ver))
redis.call('PEXPIRE', stream, ARGV[9])
redis.call('PEXPIRE', meta, ARGV[10])
redis.call('PUBLISH', ARGV[7], id .. ' ' .. string.format('%d %d %d', oldest, bytes, ver) .. ' ' .. epoch .. ' ' .. time .. '\\n' .. data)
return {seq, epoch, oldest, bytes, ver}
`;

/**
 * Reads the head and up to `count` entries after a seq, at most `maxBytes` of them (the first
 * always). KEYS: meta, stream. ARGV: after seq, count, max bytes, length of the channel name.
 * Returns {""} for a channel Redis has no log of, else {epoch, seq, oldest, bytes, version,
 * then id, time, data of each entry}. Never writes: a read creates nothing.
 */
export const READ_LUA = `${IDLE}
local m = redis.call('HMGET', KEYS[1], 'e', 's', 'o', 'b', 'v')
if not m[1] then return {''} end
local seq = tonumber(m[2])
local oldest, bytes, ver = idle(KEYS[2], seq, tonumber(m[3]), tonumber(m[4]), tonumber(m[5]))
local out = {m[1], seq, oldest, bytes, ver}
local count = tonumber(ARGV[2])
local from = math.max(tonumber(ARGV[1]) + 1, oldest)
if count > 0 and from <= seq then
  local budget, taken, fixed = tonumber(ARGV[3]), 0, 37 + tonumber(ARGV[4])
  for _, e in ipairs(redis.call('XRANGE', KEYS[2], string.format('%d', from), '+', 'COUNT', count)) do
    taken = taken + fixed + #e[1] - 2 + #e[2][2] + #e[2][4]
    if taken > budget and #out > 5 then break end
    out[#out + 1] = e[1]
    out[#out + 1] = e[2][2]
    out[#out + 1] = e[2][4]
  end
end
return out
`;

/**
 * Evicts the oldest entries until at most `target` bytes are retained (never the newest), for
 * the budget of all channels together. KEYS: meta, stream. ARGV: target, length of the channel
 * name. Returns {version, bytes, freed, oldest}.
 */
export const TRIM_LUA = `${EVICT}${IDLE}
local m = redis.call('HMGET', KEYS[1], 'e', 's', 'o', 'b', 'v')
if not m[1] then return {0, 0, 0, 1} end
local seq, target = tonumber(m[2]), tonumber(ARGV[1])
local ver
oldest, bytes, ver = idle(KEYS[2], seq, tonumber(m[3]), tonumber(m[4]), tonumber(m[5]))
local before, start = bytes, oldest
evict(KEYS[2], 37 + tonumber(ARGV[2]), seq, function() return bytes > target end, 8)
if oldest ~= start then
  redis.call('XTRIM', KEYS[2], 'MINID', string.format('%d', oldest))
  ver = ver + 1
  redis.call('HSET', KEYS[1], 'o', string.format('%d', oldest), 'b', string.format('%d', bytes), 'v', string.format('%d', ver))
end
return {ver, bytes, before - bytes, oldest}
`;

/**
 * A channel some instance holds (a subscriber, a generator) keeps its log however long nobody
 * publishes: its holders renew the expiry of its stream and meta hash (set by the last append)
 * more often than the idle time. KEYS: meta, stream. ARGV: stream ms, meta ms. Returns 1 if the
 * channel has a log. Never creates one.
 */
export const KEEP_ALIVE_LUA = `
if redis.call('PEXPIRE', KEYS[1], ARGV[2]) == 0 then return 0 end
redis.call('PEXPIRE', KEYS[2], ARGV[1])
return 1
`;
