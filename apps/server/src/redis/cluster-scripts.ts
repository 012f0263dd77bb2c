/**
 * Lua of the cluster-wide bookkeeping. The registry, instance and retained-bytes scripts touch
 * only `{reg}` keys (one slot); the ones that name a per-instance key build it from `ARGV[1]`,
 * the `{reg}` prefix, so that it stays in that slot. The generator scripts touch one channel's
 * generator hash, the rate script one address's key.
 */

/** `now` in ms on the Redis clock: leases never depend on instance clocks agreeing. */
const NOW = `local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/** Removes a channel from the registry (the list, the limits, the retained-bytes budget). */
const FORGET = `
local function forget(name)
  local creator = redis.call('HGET', KEYS[1], name)
  if not creator then return end
  redis.call('HDEL', KEYS[1], name)
  if creator ~= '' and redis.call('HINCRBY', KEYS[2], creator, -1) <= 0 then redis.call('HDEL', KEYS[2], creator) end
end
`;

/**
 * Drops an instance's hold on a channel. Nobody holds it now: a channel that never had a message
 * goes at once; one that had is unused from now on (`unused`), and goes after the idle time.
 */
const RELEASE = `${FORGET}
local function release(name, held)
  if redis.call('SREM', held, name) == 0 then return end
  if redis.call('HINCRBY', KEYS[3], name, -1) > 0 then return end
  redis.call('HDEL', KEYS[3], name)
  if redis.call('SISMEMBER', KEYS[4], name) == 0 then return forget(name) end
  local t = redis.call('TIME')
  redis.call('ZADD', KEYS[8], tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000), name)
end
`;

/** KEYS of the registry scripts, in this order. */
export const REGISTRY_KEY_ORDER = [
  "channels",
  "created",
  "holdCount",
  "kept",
  "instances",
  "info",
  "retainedTotal",
  "unused",
  "retainedSizes",
  "retainedVersion",
] as const;

/**
 * A channel is used by an instance. ARGV: {reg} prefix, instance, channel, creating address
 * (`""` for none), max channels, max per address, `1` to skip the limits (re-registering what an
 * instance already holds). Returns 1 (held), -1 (channel limit), -2 (address limit).
 */
export const OBTAIN_LUA = `
local held = ARGV[1] .. ':held:' .. ARGV[2]
local name, address = ARGV[3], ARGV[4]
if redis.call('HEXISTS', KEYS[1], name) == 0 then
  if ARGV[7] ~= '1' then
    if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[5]) then return -1 end
    if address ~= '' and tonumber(redis.call('HGET', KEYS[2], address) or '0') >= tonumber(ARGV[6]) then return -2 end
  end
  redis.call('HSET', KEYS[1], name, address)
  if address ~= '' then redis.call('HINCRBY', KEYS[2], address, 1) end
end
if redis.call('SADD', held, name) == 1 then redis.call('HINCRBY', KEYS[3], name, 1) end
redis.call('ZREM', KEYS[8], name)
return 1
`;

/** An instance no longer uses a channel. ARGV: {reg} prefix, instance, channel. */
export const RELEASE_LUA = `${RELEASE}
release(ARGV[3], ARGV[1] .. ':held:' .. ARGV[2])
return 1
`;

/** A channel has had a message: it stays even when nobody holds it. ARGV: channel. */
export const KEEP_LUA = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then redis.call('HSET', KEYS[1], ARGV[1], '') end
return redis.call('SADD', KEYS[4], ARGV[1])
`;

/**
 * The instance's heartbeat: renews its lease, stores its presence JSON, drops instances whose
 * lease ran out (with their holds), removes channels unused for the idle time (a hundred at
 * most per beat) and returns {channels, retained bytes, then the presence of every live
 * instance}. Those channels' own keys expire by themselves (`log-scripts.ts`).
 * ARGV: {reg} prefix, instance, lease ms, presence JSON, channel idle ms.
 */
export const PRESENCE_LUA = `${RELEASE}
${NOW}
redis.call('HSET', KEYS[5], ARGV[2], now + tonumber(ARGV[3]))
redis.call('HSET', KEYS[6], ARGV[2], ARGV[4])
local flat = redis.call('HGETALL', KEYS[5])
local out = {redis.call('HLEN', KEYS[1]), tonumber(redis.call('GET', KEYS[7]) or '0')}
for i = 1, #flat, 2 do
  local id, expiry = flat[i], tonumber(flat[i + 1])
  if expiry < now then
    local held = ARGV[1] .. ':held:' .. id
    for _, name in ipairs(redis.call('SMEMBERS', held)) do release(name, held) end
    redis.call('DEL', held)
    redis.call('HDEL', KEYS[5], id)
    redis.call('HDEL', KEYS[6], id)
  else
    out[#out + 1] = redis.call('HGET', KEYS[6], id)
  end
end
for _, name in ipairs(redis.call('ZRANGEBYSCORE', KEYS[8], '-inf', now - tonumber(ARGV[5]), 'LIMIT', 0, 100)) do
  redis.call('ZREM', KEYS[8], name)
  redis.call('SREM', KEYS[4], name)
  forget(name)
  local size = tonumber(redis.call('ZSCORE', KEYS[9], name) or '0')
  redis.call('ZREM', KEYS[9], name)
  redis.call('HDEL', KEYS[10], name)
  if size > 0 then redis.call('INCRBY', KEYS[7], -size) end
end
out[1] = redis.call('HLEN', KEYS[1])
out[2] = tonumber(redis.call('GET', KEYS[7]) or '0')
return out
`;

/**
 * Retained bytes of all channels together. KEYS: sizes (zset), versions (hash), total.
 * ARGV: the budget, then channel, version, bytes for each changed channel (a stale version is
 * ignored, so reports may arrive in any order). Returns {total} or, over the budget,
 * {total, largest channel, its bytes}.
 */
export const RETAINED_LUA = `
local total = tonumber(redis.call('GET', KEYS[3]) or '0')
for i = 2, #ARGV, 3 do
  local name, ver, bytes = ARGV[i], tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2])
  if ver > tonumber(redis.call('HGET', KEYS[2], name) or '-1') then
    total = total + bytes - tonumber(redis.call('ZSCORE', KEYS[1], name) or '0')
    redis.call('HSET', KEYS[2], name, ver)
    if bytes > 0 then redis.call('ZADD', KEYS[1], bytes, name) else redis.call('ZREM', KEYS[1], name) end
  end
end
redis.call('SET', KEYS[3], total)
if total > tonumber(ARGV[1]) then
  local top = redis.call('ZREVRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  if #top == 2 then return {total, top[1], tonumber(top[2])} end
end
return {total}
`;

/**
 * Sets a channel's generator (rate 0 deletes it) and gives its lease to this instance.
 * KEYS: generator hash. ARGV: rate, payload bytes, instance, lease token, lease ms.
 * Returns the run's start on the Redis clock.
 */
export const GENERATOR_SET_LUA = `${NOW}
if tonumber(ARGV[1]) <= 0 then redis.call('DEL', KEYS[1]) return now end
redis.call('HSET', KEYS[1], 'rate', ARGV[1], 'bytes', ARGV[2], 'start', now, 'owner', ARGV[3], 'lease', ARGV[4], 'until', now + tonumber(ARGV[5]))
return now
`;

/**
 * Renews a lease. KEYS: generator hash. ARGV: lease token, lease ms (negative: let it run out
 * now, for a takeover at shutdown), `1` to delete the generator instead (it stopped for want of
 * clients). Returns 1, or 0 when it is not this lease's any more.
 */
export const GENERATOR_RENEW_LUA = `${NOW}
if redis.call('HGET', KEYS[1], 'lease') ~= ARGV[1] then return 0 end
if ARGV[3] == '1' then redis.call('DEL', KEYS[1]) return 1 end
redis.call('HSET', KEYS[1], 'until', now + tonumber(ARGV[2]))
return 1
`;

/**
 * Takes over a generator whose lease ran out. KEYS: generator hash. ARGV: instance, new lease
 * token, lease ms. Returns {} (none, or its holder is alive) or {rate, payload bytes, ms since
 * the run started}.
 */
export const GENERATOR_CLAIM_LUA = `${NOW}
local g = redis.call('HMGET', KEYS[1], 'rate', 'bytes', 'start', 'until')
if not g[1] then return {-1} end
if tonumber(g[4]) >= now then return {} end
redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'lease', ARGV[2], 'until', now + tonumber(ARGV[3]))
return {g[1], g[2], tostring(now - tonumber(g[3]))}
`;

/**
 * One token of an address's publish budget, shared by all instances (GCRA: a bucket of
 * `burst` refilled at `rate`/s). KEYS: the address's key. ARGV: ms per token, burst.
 * Returns 1 (taken) or 0.
 */
export const RATE_LUA = `${NOW}
local interval, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
local tat = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now) + interval
if tat - now > burst * interval then return 0 end
redis.call('SET', KEYS[1], string.format('%.3f', tat), 'PX', math.ceil(tat - now))
return 1
`;
