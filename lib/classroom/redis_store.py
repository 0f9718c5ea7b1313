"""The class store on a Redis server (redis-py): for a course served by several machines.

A class is one hash, `<prefix>class:<code>`, with the meta fields (created_at, last_active,
key_hash, v_state, v_answers, v_runs) and one field per part (the JSON documents of
docstore.py), each with a revision field `rev:<part>`. A write reads the parts it needs (HMGET),
runs the rules in Python, then commits with one Lua script that checks every revision it read
is unchanged and, atomically, writes the parts, bumps the revisions and the versions, sets
last_active and refreshes the hash's TTL; on a conflict the work runs again (students writing
their own parts never conflict: only the "state" part is shared). `<prefix>classes` is a sorted
set code -> last_active, for the cap and expire(). versions() is one HMGET.

The TTL (EXPIRE_S plus an hour) is a safety net: expire() and the clock given to the store
decide when a class is gone, as on SQLite, so both backends behave the same in tests.
"""
from __future__ import annotations

import json
import random
import time
from typing import Any, Callable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import redis

from lib.classroom.base import EXPIRE_S, MAX_CLASSES, Refused, StoreDown
from lib.classroom.docstore import DocStore, Txn

DEFAULT_PREFIX = "tensorlab:"
TTL_S = int(EXPIRE_S + 3600)
MAX_ATTEMPTS = 200
META = ("created_at", "last_active", "key_hash", "v_state", "v_answers", "v_runs")

# KEYS: class hash, classes zset. ARGV[1]: JSON {checks: {part: rev}, writes: {part: body},
# bumps: [name], now: "t", ttl: n, code: "X"}. 1 = committed, 0 = a part changed, -1 = gone.
COMMIT = """
local key = KEYS[1]
local p = cjson.decode(ARGV[1])
if redis.call('EXISTS', key) == 0 then return -1 end
for name, rev in pairs(p.checks) do
  local cur = redis.call('HGET', key, 'rev:' .. name)
  if not cur then cur = '0' end
  if cur ~= rev then return 0 end
end
for name, body in pairs(p.writes) do
  redis.call('HSET', key, name, body)
  redis.call('HINCRBY', key, 'rev:' .. name, 1)
end
for _, b in ipairs(p.bumps) do redis.call('HINCRBY', key, 'v_' .. b, 1) end
redis.call('HSET', key, 'last_active', p.now)
redis.call('EXPIRE', key, p.ttl)
redis.call('ZADD', KEYS[2], p.now, p.code)
return 1
"""

# KEYS: class hash, classes zset. ARGV: now, cutoff, cap, key_hash, state JSON, ttl, code.
# 1 = made, 0 = the code is taken, -1 = the cap is reached.
CREATE = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
if redis.call('ZCOUNT', KEYS[2], ARGV[2], '+inf') >= tonumber(ARGV[3]) then return -1 end
redis.call('HSET', KEYS[1], 'created_at', ARGV[1], 'last_active', ARGV[1],
           'key_hash', ARGV[4], 'v_state', 0, 'v_answers', 0, 'v_runs', 0,
           'state', ARGV[5], 'rev:state', 1)
redis.call('EXPIRE', KEYS[1], ARGV[6])
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[7])
return 1
"""

# KEYS: classes zset. ARGV: cutoff, the class keys' prefix. Drops classes idle since before
# the cutoff; returns how many existed.
EXPIRE = """
local codes = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1])
local n = 0
for _, code in ipairs(codes) do
  local key = ARGV[2] .. code
  local la = redis.call('HGET', key, 'last_active')
  if (not la) or tonumber(la) < tonumber(ARGV[1]) then
    if la then n = n + 1 end
    redis.call('DEL', key)
    redis.call('ZREM', KEYS[1], code)
  end
end
return n
"""


def _down(e: Exception) -> StoreDown:
    return StoreDown(f"The class store (Redis) is not answering ({type(e).__name__}). "
                     "The rest of Tensor Lab works as usual.")


DOWN_ERRORS = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


class _RedisTxn(Txn):
    def __init__(self, client, key: str, now: float, meta, preloaded: dict):
        super().__init__(now, meta)
        self._client, self._key = client, key
        self.revs: dict[str, str] = {}
        self._take(preloaded)

    def _take(self, raw: dict) -> None:
        for name, (body, rev) in raw.items():
            self.docs[name] = json.loads(body) if body is not None else None
            self.revs[name] = rev if rev is not None else "0"

    def _load(self, names_):
        fields = [f for n in names_ for f in (n, f"rev:{n}")]
        values = self._client.hmget(self._key, fields)
        self._take({n: (values[2 * i], values[2 * i + 1]) for i, n in enumerate(names_)})
        return {n: self.docs[n] for n in names_}


class RedisStore(DocStore):
    kind = "redis"

    def __init__(self, url: str, clock: Callable[[], float] = time.time,
                 prefix: str | None = None, **kw):
        super().__init__(clock=clock, **kw)
        parts = urlsplit(url)
        query = dict(parse_qsl(parts.query))
        self.prefix = prefix or query.pop("prefix", DEFAULT_PREFIX)
        url = urlunsplit(parts._replace(query=urlencode(query)))
        self._client = redis.Redis.from_url(url, decode_responses=True,
                                            socket_connect_timeout=2, socket_timeout=5,
                                            health_check_interval=30)
        self._commit = self._client.register_script(COMMIT)
        self._create_script = self._client.register_script(CREATE)
        self._expire_script = self._client.register_script(EXPIRE)
        self._zkey = f"{self.prefix}classes"
        self._jitter = random.Random()

    def _key(self, code: str) -> str:
        return f"{self.prefix}class:{code}"

    def close(self) -> None:
        self._client.close()

    # ------------------------------------------------------------------ primitives
    def _create(self, code, key_hash, state, now) -> bool:
        args = [repr(now), repr(now - EXPIRE_S), MAX_CLASSES, key_hash,
                json.dumps(state, separators=(",", ":")), TTL_S, code]
        try:
            made = self._create_script(keys=[self._key(code), self._zkey], args=args)
            if made == -1:
                self._expire(now - EXPIRE_S)
                made = self._create_script(keys=[self._key(code), self._zkey], args=args)
        except DOWN_ERRORS as e:
            raise _down(e) from e
        if made == -1:
            raise Refused(f"This server has {MAX_CLASSES} classes already: try again later, "
                          "or end a class you no longer need.")
        return made == 1

    def _versions(self, code):
        try:
            v = self._client.hmget(self._key(code), "v_state", "v_answers", "v_runs",
                                   "last_active")
        except DOWN_ERRORS as e:
            raise _down(e) from e
        if v[0] is None:
            return None
        return int(v[0]), int(v[1]), int(v[2]), float(v[3])

    def _begin(self, code: str) -> _RedisTxn:
        key = self._key(code)
        values = self._client.hmget(key, *META, "state", "rev:state")
        meta = None
        if values[0] is not None:
            meta = dict(zip(META, values[:6]))
            meta["created_at"] = float(meta["created_at"])
            meta["last_active"] = float(meta["last_active"])
            for v in ("v_state", "v_answers", "v_runs"):
                meta[v] = int(meta[v])
        return _RedisTxn(self._client, key, self.clock(), meta,
                         {"state": (values[6], values[7])})

    def _transact(self, code, fn, write) -> Any:
        try:
            for attempt in range(MAX_ATTEMPTS):
                txn = self._begin(code)
                result = fn(txn)
                if not write or not txn.dirty:
                    return result
                payload = {"checks": txn.revs,
                           "writes": {n: json.dumps(d, separators=(",", ":"))
                                      for n, d in txn.writes.items()},
                           "bumps": sorted(txn.bumps), "now": repr(txn.now), "ttl": TTL_S,
                           "code": code}
                done = self._commit(keys=[txn._key, self._zkey],
                                    args=[json.dumps(payload, separators=(",", ":"))])
                if done == 1:
                    return result
                if done == -1:
                    raise Refused(f"No class has the code {code}.")
                time.sleep(self._jitter.uniform(0, min(0.02, 0.0005 * 2 ** attempt)))
        except DOWN_ERRORS as e:
            raise _down(e) from e
        raise Refused("The class is very busy right now: try again in a moment.")

    def _expire(self, cutoff) -> int:
        try:
            return int(self._expire_script(keys=[self._zkey],
                                           args=[repr(cutoff), f"{self.prefix}class:"]))
        except DOWN_ERRORS as e:
            raise _down(e) from e
